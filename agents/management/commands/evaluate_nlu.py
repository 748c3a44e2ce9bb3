"""``manage.py evaluate_nlu``: accuracy of the intent classifier on a labelled file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Evaluate the intent classifier on JSON Lines with 'text' and 'intent' "
        "(default: the held-out agents/nlu/data/test.jsonl)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, help="Labelled JSON Lines file.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument(
            "--confusions", type=int, default=10, help="How many confusions to list."
        )
        parser.add_argument(
            "--mistakes", action="store_true", help="Also list every misclassified text."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Lazy: the model (torch) loads only when the command runs, not for `manage.py help`.
        from agents.nlu.evaluation import TEST_FILE, evaluate, read_labelled

        path: Path = options["file"] or TEST_FILE
        try:
            rows = read_labelled(path)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if not rows:
            raise CommandError(f"{path} has no examples")
        report = evaluate(rows)

        if options["json"]:
            data = report.as_dict()
            if not options["mistakes"]:
                data.pop("mistakes")
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return

        out = self.stdout
        out.write(f"{path}: {report.correct}/{report.total} correct, "
                  f"accuracy {report.accuracy:.1%}")
        out.write("  by view: " + ", ".join(f"{k} {v:.1%}" for k, v in report.views.items()))
        out.write(f"  mean confidence: {report.mean_confidence_correct:.2f} when right, "
                  f"{report.mean_confidence_wrong:.2f} when wrong")
        out.write("")
        out.write("accuracy per intent:")
        for name, score in report.per_intent.items():
            out.write(f"  {name:<18} {score.accuracy:6.1%}  ({score.correct}/{score.support})")
        out.write("")
        out.write("most frequent confusions (expected -> predicted):")
        if not report.confusions:
            out.write("  none")
        for gold, pred, n in report.confusions[: options["confusions"]]:
            out.write(f"  {gold} -> {pred}: {n}")
        if options["mistakes"]:
            out.write("")
            out.write("mistakes:")
            for m in report.mistakes:
                out.write(f"  [{m['expected']} -> {m['predicted']} {m['confidence']:.2f}] "
                          f"{m['text']}")
