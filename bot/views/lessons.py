"""Lesson cards, module lists and progress."""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from bot.content import CardPlace
from bot.i18n import Translator
from bot.services.lessons import ModuleFinished, ModuleProgress
from bot.views.bridged import not_translated_html

BAR_FULL = "▓"
BAR_EMPTY = "░"


def bar(done: int, total: int, width: int | None = None) -> str:
    """A text progress bar; one block per step when the count is small."""
    width = width or max(1, min(total, 10))
    filled = round(width * done / total) if total else 0
    return BAR_FULL * filled + BAR_EMPTY * (width - filled)


def progress_line(t: Translator, place: CardPlace) -> str:
    line = t.gettext("Module {module} · Lesson {lesson}/{lessons}").format(
        module=place.module.number,
        lesson=place.lesson_index + 1,
        lessons=len(place.module.lessons),
    )
    return f"{line} · {bar(place.card_index + 1, len(place.lesson.cards))}"


def _source_links(urls: tuple[str, ...]) -> str:
    links = []
    for number, url in enumerate(urls, start=1):
        host = urlsplit(url).hostname or url
        host = host.removeprefix("www.")
        links.append(f'<a href="{escape(url)}">{number}. {escape(host)}</a>')
    return " · ".join(links)


def render_card(t: Translator, place: CardPlace) -> str:
    """The card with its heading; the lesson's key point and sources close its last card."""
    parts = [
        f"<b>{escape(place.lesson.title)}</b>",
        place.card.text,
    ]
    if place.card_shown_in:
        parts.append(not_translated_html(t, place.card_shown_in))
    if place.is_last_in_lesson:
        if place.lesson.key_point:
            parts.append(
                "💡 " + t.gettext("Key point: {point}").format(point=place.lesson.key_point)
            )
            if place.key_point_shown_in and place.key_point_shown_in != place.card_shown_in:
                parts.append(not_translated_html(t, place.key_point_shown_in))
        if place.lesson.sources:
            parts.append(
                t.gettext("Sources: {links}").format(links=_source_links(place.lesson.sources))
            )
    parts.append(f"<i>{progress_line(t, place)}</i>")
    return "\n\n".join(parts)


def render_modules(t: Translator) -> str:
    return t.gettext("Choose a module. A tick means you have read all of it.")


def module_label(progress: ModuleProgress) -> str:
    mark = " ✓" if progress.complete else ""
    return f"{progress.module.number}. {progress.module.title}{mark}"


def render_progress(t: Translator, modules: list[ModuleProgress]) -> str:
    lines = [f"<b>{t.gettext('Your progress')}</b>", ""]
    for item in modules:
        lines.append(f"{item.module.number}. {escape(item.module.title)}")
        status = t.ngettext("{seen} of {total} card", "{seen} of {total} cards", item.total)
        mark = " ✓" if item.complete else ""
        lines.append(
            f"{bar(item.seen, item.total, 10)} {status.format(seen=item.seen, total=item.total)}"
            f"{mark}"
        )
    done = sum(1 for item in modules if item.complete)
    lines += [
        "",
        t.ngettext(
            "{done} of {total} module finished.",
            "{done} of {total} modules finished.",
            len(modules),
        ).format(done=done, total=len(modules)),
    ]
    return "\n".join(lines)


def render_module_finished(t: Translator, finished: ModuleFinished) -> str:
    text = "🎉 " + t.gettext("You finished module {number}: {title}.").format(
        number=finished.module.number, title=escape(finished.module.title)
    )
    if finished.next_module is None:
        return text + "\n\n" + t.gettext("That was the last module. Well done!")
    return (
        text
        + "\n\n"
        + t.gettext("Next: module {number}, {title}.").format(
            number=finished.next_module.number, title=escape(finished.next_module.title)
        )
    )
