"""Compile the reply catalogues (locale/*/LC_MESSAGES/django.po) to the .mo files gettext
reads: `python -m replies.compile`, run by `make test` and `make run` when a .po changed.

Babel does it in Python, so no system gettext tools are needed; the .mo files are build
output and not kept in git."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

_FIXED = datetime(2000, 1, 1, tzinfo=UTC)
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def po_files(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/django.po"))


def mo_bytes(po: Path) -> bytes:
    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parent.parent.name)
    # Babel stamps the header with the time of compiling; a fixed one keeps the output a
    # function of the .po alone, so a stale .mo can be told by its content.
    catalog.creation_date = catalog.revision_date = _FIXED
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def stale_mo_files(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """The .mo files that are missing or say something else than their .po."""
    stale = []
    for po in po_files(locale_dir):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(po):
            stale.append(mo)
    return stale


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    written = []
    for po in po_files(locale_dir):
        mo = po.with_suffix(".mo")
        data = mo_bytes(po)
        if not mo.exists() or mo.read_bytes() != data:
            mo.write_bytes(data)
            written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_all():
        sys.stdout.write(f"compiled {path.relative_to(LOCALE_DIR.parent)}\n")
