"""``manage.py classify``: JSON Lines in, one classified JSON object out per line.

The contract is in ``shared/contracts/INTENTS.md``. Lines are classified in batches (the
TF-IDF view and the linear models are cheaper per message in a batch; the encoder reads
one text at a time either way, so a line's answer never depends on its neighbours), and
every batch is written out in input order and flushed before the next one is read, so a
caller streaming lines in gets answers back without waiting for the end of the input.
"""

from __future__ import annotations

import json
import os
import sys
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agents.nlu import understand_many

BATCH_SIZE = 128


def parse_line(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """The object on one input line, or the reason it cannot be classified."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "line is not valid UTF-8"
    line = line.rstrip("\r\n")
    if not line.strip():
        # An empty line still gets its own output line, so output line N always answers
        # input line N.
        return None, "empty line"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc.msg} at column {exc.colno}"
    if not isinstance(obj, dict):
        return None, "line is not a JSON object"
    if "text" not in obj:
        return None, 'missing "text"'
    if not isinstance(obj["text"], str):
        return None, '"text" must be a string'
    return obj, None


class Command(BaseCommand):
    help = "Classify JSON Lines from standard input (each with a 'text'); see INTENTS.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE,
            help="Lines classified together (default %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: IO[bytes] = getattr(sys.stdin, "buffer", None) or _BytesReader(sys.stdin)
        if self.stdout._out is sys.stdout and hasattr(sys.stdout, "reconfigure"):
            # ensure_ascii=False output must not depend on the caller's locale.
            sys.stdout.reconfigure(encoding="utf-8")
        batch_size = max(1, int(options["batch_size"]))
        # Each entry is (input object, None) or (None, error object), in input order.
        pending: list[tuple[dict[str, Any] | None, dict[str, Any] | None]] = []
        bad_lines = 0
        line_no = 0

        def flush() -> None:
            objects = [obj for obj, _ in pending if obj is not None]
            results = understand_many([obj["text"] for obj in objects]) if objects else []
            for obj, result in zip(objects, results, strict=True):
                obj.update(
                    intent=result.intent,
                    confidence=result.confidence,
                    language=result.language,
                    entities=result.entities,
                )
            for obj, error in pending:
                self.stdout.write(json.dumps(obj if obj is not None else error,
                                             ensure_ascii=False))
            self.stdout.flush()
            pending.clear()

        try:
            for raw in source:
                line_no += 1
                obj, problem = parse_line(raw)
                if problem is not None:
                    bad_lines += 1
                    pending.append((None, {"error": problem, "line": line_no}))
                else:
                    pending.append((obj, None))
                if len(pending) >= batch_size:
                    flush()
            flush()
        except BrokenPipeError:
            # The reader went away (`classify < in | head`): stop quietly, as Unix tools do,
            # and keep Python from complaining again when it flushes stdout at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(1) from None
        if bad_lines:
            raise CommandError(
                f"{bad_lines} of {line_no} line(s) could not be classified", returncode=1
            )


class _BytesReader:
    """Iterates a text stream as UTF-8 bytes (a test's ``io.StringIO`` has no ``buffer``)."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def __iter__(self) -> _BytesReader:
        return self

    def __next__(self) -> bytes:
        line = self._stream.readline()
        if not line:
            raise StopIteration
        return line.encode("utf-8")
