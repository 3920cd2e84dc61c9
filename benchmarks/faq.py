"""FAQ search quality: top-1 accuracy per language, confident wrong answers, p99 latency.

    python -m benchmarks.faq                 # the labelled set in benchmarks/faq_questions.yaml
    python -m benchmarks.faq --threshold 0.5 # try another confidence threshold
    python -m benchmarks.faq --sweep         # accuracy and confident-wrong for many thresholds
    python -m benchmarks.faq --mistakes      # also list every wrong answer

A question counts as right when the search is confident and names its entry, or, for a
question labelled null (out of scope), when the search is not confident. "Confident wrong"
is a confident answer naming the wrong entry, or any confident answer to a null question:
the answers that could mislead someone.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT
from bot.content import load_course
from bot.services.faq_search import CONFIDENCE, FaqIndex

QUESTIONS = Path(__file__).with_name("faq_questions.yaml")
HELD_OUT = Path(__file__).with_name("faq_heldout.yaml")
TEST = Path(__file__).with_name("faq_test.yaml")


@dataclass(frozen=True)
class Labelled:
    language: str
    question: str
    entry_id: str | None


@dataclass(frozen=True)
class Report:
    total: int
    per_language: dict[str, tuple[int, int]]  # language -> (right, total)
    confident_wrong: int
    p99_ms: float
    mistakes: list[tuple[Labelled, str | None, float]]

    @property
    def accuracy(self) -> dict[str, float]:
        return {lang: right / total for lang, (right, total) in self.per_language.items()}

    @property
    def confident_wrong_share(self) -> float:
        return self.confident_wrong / self.total if self.total else 0.0


def load_questions(path: Path = QUESTIONS) -> list[Labelled]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Labelled(language, str(item["q"]), item["id"])
        for language, items in data.items()
        for item in items
    ]


def evaluate(index: FaqIndex, questions: list[Labelled]) -> Report:
    per_language: dict[str, tuple[int, int]] = {}
    confident_wrong = 0
    times: list[float] = []
    mistakes: list[tuple[Labelled, str | None, float]] = []
    for item in questions:
        start = time.perf_counter()
        result = index.search(item.question, item.language)
        times.append(time.perf_counter() - start)
        got = result.best.entry_id if result.best else None
        right, total = per_language.get(item.language, (0, 0))
        ok = got == item.entry_id
        per_language[item.language] = (right + ok, total + 1)
        if got is not None and not ok:
            confident_wrong += 1
        if not ok:
            score = result.matches[0].score if result.matches else 0.0
            mistakes.append((item, got, score))
    times.sort()
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))] * 1000 if times else 0.0
    return Report(len(questions), per_language, confident_wrong, p99, mistakes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=CONFIDENCE)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--mistakes", action="store_true", help="list every wrong answer")
    args = parser.parse_args()
    course = load_course(PROJECT_ROOT / "content")
    questions = load_questions()
    started = time.perf_counter()
    index = FaqIndex(course, threshold=args.threshold)
    built_ms = (time.perf_counter() - started) * 1000
    if args.sweep:
        for step in range(20, 71, 5):
            index.threshold = step / 100
            report = evaluate(index, questions)
            accuracy = " ".join(f"{k} {v:5.1%}" for k, v in report.accuracy.items())
            print(
                f"threshold {index.threshold:.2f}: {accuracy}  "
                f"confident wrong {report.confident_wrong_share:5.1%}"
            )
        return
    evaluate(index, questions[:20])  # warm the caches, as a running bot would be
    report = evaluate(index, questions)
    print(
        f"FAQ search benchmark: {report.total} labelled questions, "
        f"threshold {args.threshold:.2f}, margin {index.margin:.2f}"
    )
    print(f"index built in {built_ms:.0f} ms")
    for language, (right, total) in report.per_language.items():
        print(f"  top-1 accuracy {language}: {right}/{total} = {right / total:.1%}")
    print(
        f"  confident wrong answers: {report.confident_wrong}/{report.total} = "
        f"{report.confident_wrong_share:.1%}"
    )
    print(f"  p99 latency: {report.p99_ms:.2f} ms")
    extra = []
    for path, title in (
        (HELD_OUT, "second development set (written after a first round of tuning)"),
        (TEST, "test set (written after all tuning, never used for it)"),
    ):
        other = evaluate(index, load_questions(path))
        extra.append(other)
        print(f"{title}, {other.total} questions:")
        for language, (right, total) in other.per_language.items():
            print(f"  top-1 accuracy {language}: {right}/{total} = {right / total:.1%}")
        print(
            f"  confident wrong answers: {other.confident_wrong}/{other.total} = "
            f"{other.confident_wrong_share:.1%}"
        )
    if args.mistakes:
        for item, got, score in report.mistakes + [m for r in extra for m in r.mistakes]:
            print(
                f"  [{item.language}] {item.question!r}: want {item.entry_id}, got {got} "
                f"(best score {score:.2f})"
            )


if __name__ == "__main__":
    main()
