"""Whatever no feature handled: free text, unknown commands, stale or forged buttons."""

from __future__ import annotations

from bot.conversation.events import Pressed
from bot.conversation.router import Router
from bot.errors import StaleButton
from bot.keyboards.menu import menu_keyboard
from bot.services import cohorts, glossary
from bot.views.menu import render_not_understood
from bot.waiting import (
    AnnouncementText,
    CardRecording,
    CertificateName,
    CityName,
    CohortName,
    CohortPlace,
    ConsultationAnswer,
    ConsultationOutcome,
    QuestionToPerson,
    RejectReason,
    StaffReply,
    Wait,
)
from handlers import (
    announcements,
    consultations,
    faq,
    invitations,
    quizzes,
    recordings,
    reminders,
    trainers,
)
from handlers.common import Turn, show, typed_text
from handlers.glossary import show_term
from handlers.menu import unknown_command
from handlers.start import ask_language


async def on_unknown_command(turn_: Turn) -> None:
    """Say the command is unknown; never echo what was typed."""
    await unknown_command(turn_)


async def on_other_message(turn_: Turn) -> None:
    """Text is what a running flow waits for, a glossary word, or a question for the FAQ;
    stickers, photos... get the menu."""
    text = typed_text(turn_)
    code = text.strip() if text else ""
    if not turn_.ready:
        if not await _invitation(turn_, code):
            await ask_language(turn_)
        return
    step = turn_.memory.waiting
    if step is not None and await _take(step, turn_, text):
        return
    if await _invitation(turn_, code):
        return
    term = glossary.lookup(turn_.services.course, turn_.language, text) if text else None
    if term is not None:
        await show_term(turn_, term.id, edit=False)
        return
    if text and text.strip():
        await faq.answer_question(turn_, text.strip())
        return
    if await faq.voice_not_here(turn_):
        return
    await show(turn_, render_not_understood(turn_.t), menu_keyboard(turn_.t), edit=False)


async def _invitation(turn_: Turn, code: str) -> bool:
    """A typed invitation code (what a WhatsApp invitation link sends) works as `/start
    <code>` does on Telegram, with the same answers for a wrong, used or removed one."""
    if not await cohorts.is_typed_code(turn_.uow, code):
        return False
    await invitations.start_with_code(turn_, code)
    return True


async def _take(step: Wait, turn_: Turn, text: str | None) -> bool:
    """Hand the message to the one feature whose step the bot waits in; False when that
    feature does not take it (a glossary word during a city search, a sticker)."""
    if isinstance(step, ConsultationAnswer | ConsultationOutcome):
        return await consultations.take_message(turn_)
    if isinstance(step, AnnouncementText):
        return await announcements.take_announcement(turn_)
    if isinstance(step, CohortName | CohortPlace):
        return await trainers.take_typed_text(turn_)
    if isinstance(step, QuestionToPerson | StaffReply) and await faq.take_voice(turn_):
        return True
    if isinstance(step, CardRecording):
        return await recordings.take_recording(turn_)
    if isinstance(step, RejectReason):
        return await recordings.take_reason(turn_)
    if not text:
        return False
    if isinstance(step, CityName):
        return await reminders.take_typed_city(turn_, text)
    if isinstance(step, CertificateName):
        return await quizzes.take_typed_name(turn_, text)
    return await faq.take_typed(turn_, text)


async def on_unknown_button(turn_: Turn) -> None:
    """A button no handler knows: an old message's, or forged data."""
    event = turn_.event
    raise StaleButton(str(event.data) if isinstance(event, Pressed) else "")


def routes(router: Router) -> None:
    router.unknown_command = on_unknown_command
    router.message = on_other_message
    router.unknown_choice = on_unknown_button
