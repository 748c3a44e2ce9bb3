"""``manage.py evaluate_nlu``: accuracy of the intent classifier on a labelled file, on one
language's held-out set, or on every language's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agents.nlu.language import LANGUAGES


class Command(BaseCommand):
    help = (
        "Evaluate the intent classifier on JSON Lines with 'text' and 'intent' "
        "(default: the held-out agents/nlu/data/test.jsonl; --language: that language's "
        "held-out set; --all-languages: every language's, one line each)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--file", type=Path, help="Labelled JSON Lines file.")
        which.add_argument("--language", choices=LANGUAGES,
                           help="The held-out set of one language.")
        which.add_argument("--all-languages", action="store_true",
                           help="Accuracy on every language's held-out set.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument(
            "--confusions", type=int, default=10, help="How many confusions to list."
        )
        parser.add_argument(
            "--mistakes", action="store_true", help="Also list every misclassified text."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Lazy: the model (torch) loads only when the command runs, not for `manage.py help`.
        from agents.nlu.evaluation import evaluate, read_labelled, test_file

        if options["all_languages"]:
            self._languages(options["json"])
            return
        path: Path = options["file"] or test_file(options["language"] or "en")
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
                  f"{report.mean_confidence_wrong:.2f} when wrong; "
                  f"{report.confident_when_correct:.1%} of right answers sure enough to act on")
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

    def _languages(self, as_json: bool) -> None:
        from agents.nlu.evaluation import evaluate_languages

        reports = evaluate_languages()
        if as_json:
            self.stdout.write(json.dumps({"languages": {
                lang: {"total": r.total, "correct": r.correct,
                       "accuracy": round(r.accuracy, 4),
                       "views": {k: round(v, 4) for k, v in r.views.items()},
                       "confident_when_correct": round(r.confident_when_correct, 4)}
                for lang, r in reports.items()}}, indent=2))
            return
        self.stdout.write(f"{'language':<9} {'correct':>9} {'accuracy':>9} {'tfidf':>7} "
                          f"{'embed.':>7} {'sure when right':>16}")
        for lang, r in reports.items():
            self.stdout.write(
                f"{lang:<9} {f'{r.correct}/{r.total}':>9} {r.accuracy:>9.1%} "
                f"{r.views['tfidf']:>7.1%} {r.views['embeddings']:>7.1%} "
                f"{r.confident_when_correct:>16.1%}")
