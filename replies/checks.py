"""Is the catalogue complete? Every key in every language, no text the code never uses,
no text using facts its key doesn't give, every compiled catalogue current."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

from core.formatting import LANGUAGES
from replies.compile import LOCALE_DIR, stale_mo_files
from replies.messages import MESSAGES
from replies.services import text_problems

SOURCE_DIRS = ("core", "commerce", "conversations", "channels_adapters", "alerts", "campaigns",
               "insights", "agents", "replies", "templates")


@dataclass
class CatalogueReport:
    missing: dict[str, list[str]] = field(default_factory=dict)
    unknown: dict[str, list[str]] = field(default_factory=dict)
    mismatched: dict[str, list[str]] = field(default_factory=dict)
    unused: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (any(self.missing.values()) or any(self.unknown.values())
                    or any(self.mismatched.values()) or self.unused or self.stale)

    def lines(self) -> list[str]:
        out: list[str] = []
        for language in LANGUAGES:
            for key in self.missing.get(language, []):
                out.append(f"{language}: missing {key}")
            for key in self.unknown.get(language, []):
                out.append(f"{language}: {key} is not in replies/messages/")
            out.extend(f"{language}: {problem}" for problem in self.mismatched.get(language, []))
        out.extend(f"unused: {key} (no code says it)" for key in self.unused)
        out.extend(f"stale: {path} (run `make locale`)" for path in self.stale)
        return out


def _texts(locale_dir: Path, language: str) -> dict[str, str]:
    po = locale_dir / language / "LC_MESSAGES" / "django.po"
    if not po.exists():
        return {}
    with po.open("rb") as f:
        catalog = read_po(f, locale=language)
    return {str(m.id): str(m.string) for m in catalog
            if m.id and m.string and not m.fuzzy}


def _used_keys(root: Path) -> set[str]:
    quoted = re.compile(r"""["']([a-z_]+(?:\.[a-z_]+)+)["']""")
    found: set[str] = set()
    for folder in SOURCE_DIRS:
        for path in (root / folder).rglob("*"):
            if path.suffix in {".py", ".html"} and "tests" not in path.parts \
                    and "messages" not in path.parts:
                found.update(quoted.findall(path.read_text(encoding="utf-8")))
    return found


def catalogue_check(locale_dir: Path = LOCALE_DIR) -> CatalogueReport:
    report = CatalogueReport()
    for language in LANGUAGES:
        texts = _texts(locale_dir, language)
        report.missing[language] = [k for k in MESSAGES if k not in texts]
        report.unknown[language] = sorted(k for k in texts if k not in MESSAGES)
        report.mismatched[language] = [
            f"{key}: {problem}" for key, text in texts.items() if key in MESSAGES
            for problem in text_problems(key, text)]
    used = _used_keys(LOCALE_DIR.parent)
    report.unused = [k for k in MESSAGES if k not in used]
    report.stale = [str(p.relative_to(locale_dir.parent)) for p in stale_mo_files(locale_dir)]
    return report
