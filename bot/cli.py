"""`asi-bot`: run the bot (default), the playground, migrations, or the content check.

Start-up problems (bad settings, invalid content, unreachable database) end the program with
a short message and a non-zero status instead of a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.config import SUPPORTED_LANGUAGES, ConfigError, Settings, load_settings
from bot.content import ContentError, Course
from bot.content.loader import collect

EXIT_CONFIG = 2
EXIT_CONTENT = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="asi-bot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (playground when no TELEGRAM_BOT_TOKEN is set)")
    sub.add_parser("playground", help="run the bot against a local stand-in with a chat page")
    db = sub.add_parser("db", help="database commands")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply the database migrations")
    content = sub.add_parser("content", help="content commands")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    content_sub.add_parser("check", help="validate content/ and list every problem")
    content_sub.add_parser(
        "stats",
        help="lessons, cards, reading ease and minutes per module; translation coverage",
    )
    export = content_sub.add_parser(
        "export",
        help="write <lang>.xlsx (every text of the course) and <lang>.po (the interface) "
        "for a translator",
    )
    export.add_argument("--lang", required=True, help="the language code, e.g. sus")
    export.add_argument(
        "--from",
        dest="bridge",
        choices=SUPPORTED_LANGUAGES,
        help="the bridge language shown beside English and where nothing is translated yet "
        "(default: the one in content/languages.yaml, else en)",
    )
    export.add_argument("--name", help="the language's own name, as the picker shows it")
    export.add_argument("--out", default=".", help="the folder to write to (default: here)")
    imported = content_sub.add_parser(
        "import",
        help="check a translator's .xlsx and/or .po file and, if nothing is wrong, write "
        "content/ and locales/",
    )
    imported.add_argument("files", nargs="+", metavar="FILE")
    faq = sub.add_parser("faq", help="FAQ commands")
    faq_sub = faq.add_subparsers(dest="faq_command", required=True)
    ask = faq_sub.add_parser(
        "ask",
        help='search the FAQ as the bot does; prints {"id": ..., "score": ..., "shown": [...]} '
        "per question",
    )
    ask.add_argument("--lang", choices=SUPPORTED_LANGUAGES, help="the learner's language")
    ask.add_argument("question", nargs="?", help="the question; without it, one a line on stdin")
    return parser


def _fail(message: str, status: int) -> int:
    print(f"asi-bot: {message}", file=sys.stderr)
    return status


def _load_content(settings: Settings) -> tuple[Course | None, list[str]]:
    from bot.content.consultations import collect_consultations

    course, problems = collect(settings.content_dir)
    _, consultation_problems = collect_consultations(settings.content_dir)
    return course, [str(p) for p in problems + consultation_problems]


async def _check_database(settings: Settings) -> None:
    from bot.db.engine import create_engine
    from bot.db.migrate import upgrade

    engine = create_engine(settings.database_url)
    try:
        await asyncio.wait_for(upgrade(engine), timeout=30)
    finally:
        await engine.dispose()


def _content_command(settings: Settings, command: str) -> int:
    from bot.content.stats import course_stats, coverage

    course, problems = _load_content(settings)
    for problem in problems:
        print(problem)
    if course is not None:
        print("Translation coverage (cards and glossary terms, against English):")
        for row in coverage(course):
            print(
                f"  {row.language}: {row.modules}/{row.reference_modules} modules, "
                f"{row.cards}/{row.reference_cards} cards, "
                f"{row.terms}/{row.reference_terms} glossary terms ({row.percent:.0f}%)"
            )
        if course.quizzes:
            counts = ", ".join(f"{lang} {len(bank)}" for lang, bank in course.quizzes.items())
            print(f"Quiz questions: {counts}")
    if problems or course is None:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return EXIT_CONTENT
    if command == "stats":
        print(
            f"{'lang':4} {'module':20} {'lessons':>7} {'cards':>5} {'chars':>6} "
            f"{'ease':>5} {'lowest':>6} {'minutes':>7}"
        )
        for stats in course_stats(course):
            ease = f"{stats.reading_ease:5.1f}" if stats.reading_ease is not None else "    -"
            low = (
                f"{stats.lowest_card_ease:6.1f}"
                if stats.lowest_card_ease is not None
                else "     -"
            )
            print(
                f"{stats.language:4} {stats.number}. {stats.module_id:17} {stats.lessons:7} "
                f"{stats.cards:5} {stats.characters:6} {ease} {low} {stats.minutes:7.1f}"
            )
        print("ease: Flesch reading ease of the English cards (60+ is plain English).")
        _print_translation_coverage(course, settings)
        return 0
    from bot.content.consultations import collect_consultations

    consultation_files, _ = collect_consultations(settings.content_dir)
    print(
        f"Content is valid: {len(course.modules_in('en'))} modules, "
        f"{len(course.terms('en'))} glossary terms, {len(consultation_files)} consultation(s), "
        f"{len(course.faq_in('en').entries)} FAQ entries, languages {', '.join(course.languages)}."
    )
    return 0


def _print_translation_coverage(course: Course, settings: Settings) -> None:
    from bot.content.consultations import collect_consultations
    from bot.content.stats import kind_coverage
    from bot.content.texts import TextKind
    from bot.i18n import LOCALES_DIR, untranslated_strings

    kinds = list(TextKind)
    print("Translated texts per language and kind (the rest is shown in the bridge language):")
    columns = " ".join(f"{kind.value:>13}" for kind in kinds)
    print(f"{'lang':5} {'bridge':6} {columns} {'interface':>13}")
    bridges = {a.code: a.bridge for a in course.added}
    specs, _ = collect_consultations(settings.content_dir)
    for language, counts in kind_coverage(course, specs.values()).items():
        if language == "en":
            continue
        cells = [f"{counts[k][0]:>6}/{counts[k][1]:<6}" for k in kinds]
        missing, total = untranslated_strings(LOCALES_DIR, language)
        ready = ", ".join(course.complete_modules.get(language, ())) if language in bridges else ""
        print(
            f"{language:5} {bridges.get(language, '-'):6} {' '.join(cells)} "
            f"{total - missing:>6}/{total:<6}"
            + (f" complete modules: {ready or 'none'}" if language in bridges else "")
        )


def _translation_command(settings: Settings, args: argparse.Namespace) -> int:
    """`content export` and `content import`: files for a translator, and back."""
    from pathlib import Path

    from bot.content.translation import TranslationError, export, import_files
    from bot.i18n import LOCALES_DIR

    content = settings.content_dir
    try:
        if args.content_command == "export":
            written = [
                str(path)
                for path in export(
                    content, LOCALES_DIR, args.lang, Path(args.out), args.bridge, args.name
                )
            ]
        else:
            written = import_files(content, LOCALES_DIR, [Path(f) for f in args.files])
    except TranslationError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return _fail(f"nothing written: {len(err.problems)} problem(s)", EXIT_CONTENT)
    for path in written:
        print(f"Wrote {path}")
    if args.content_command == "import":
        print("Restart the bot to use the new texts.")
    return 0


def _faq_command(settings: Settings, language: str | None, question: str | None) -> int:
    """Print one JSON line per question: the confident entry id (or null), the best score, and
    the ids the bot would show when it is not sure (the three closest; empty when confident)."""
    import json

    from bot.services import faq
    from bot.services.faq_search import FaqIndex

    course, problems = _load_content(settings)
    if problems or course is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return _fail(f"{len(problems)} content problem(s)", EXIT_CONTENT)
    index = FaqIndex(course)
    language = language or settings.default_language
    questions = [question] if question is not None else (line.rstrip("\n") for line in sys.stdin)
    for text in questions:
        try:
            result = faq.search(index, text.strip(), language)
        except faq.QuestionTooLong:
            print(json.dumps({"id": None, "score": 0.0, "shown": []}), flush=True)
            continue
        best = result.best
        top = result.matches[0].score if result.matches else 0.0
        shown = [] if best else [m.entry_id for m in result.matches[:3]]
        answer = {"id": best.entry_id if best else None, "score": round(top, 4), "shown": shown}
        print(json.dumps(answer), flush=True)
    return 0


def _database_error(err: BaseException) -> str:
    reason = str(getattr(err, "orig", None) or err).splitlines()[0] or type(err).__name__
    return f"DATABASE_URL: cannot use the database ({reason})"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as err:
        return _fail(str(err), EXIT_CONFIG)
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    if args.command == "content" and args.content_command in ("export", "import"):
        return _translation_command(settings, args)
    if args.command == "content":
        return _content_command(settings, args.content_command)

    if args.command == "faq":
        return _faq_command(settings, args.lang, args.question)

    if args.command == "db":
        try:
            asyncio.run(_check_database(settings))
        except Exception as err:  # reported as one line: see _database_error
            return _fail(_database_error(err), EXIT_CONFIG)
        print("Database is up to date.")
        return 0

    course, problems = _load_content(settings)
    if problems or course is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return _fail(f"refusing to start: {len(problems)} content problem(s)", EXIT_CONTENT)
    try:
        asyncio.run(_check_database(settings))
    except Exception as err:  # reported as one line: see _database_error
        return _fail(_database_error(err), EXIT_CONFIG)

    mode = "playground"
    if args.command != "playground" and settings.token is not None:
        mode = "webhook" if settings.webhook_url else "polling"
    elif args.command != "playground" and settings.whatsapp_configured:
        mode = "whatsapp"

    from bot.errors import StartupError
    from bot.serve import serve

    try:
        asyncio.run(serve(settings, course, mode))
    except ContentError as err:
        return _fail(str(err), EXIT_CONTENT)
    except StartupError as err:
        return _fail(str(err), EXIT_CONFIG)
    except KeyboardInterrupt:
        pass
    return 0
