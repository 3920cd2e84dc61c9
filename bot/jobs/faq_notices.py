"""The staff notice job: tells admins and trainers about questions to a person and about
learners' answers back, and delivers staff members' replies to learners, which the turns
only wrote down (bot.services.faq).

A repeating job (bot.jobs.scheduler) like the others, so nobody's turn waits on another
person's chat, and a restart between the question (or the reply) and its delivery loses
nothing: the notices are rows, written in the same commit as the question or the reply. A
reply the learner could not get is told to the staff member who wrote it. Each is claimed (and
committed) before it is sent and its outcome recorded after, so nobody is told twice; one
that could not go out now (flood limit, no connection) goes back to pending for a later
run. A process killed between a send and its record leaves that notice claimed and never
sends it again (its fate is unknown); the question is still in /questions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.config import TemplatePurpose
from bot.conversation.ports import Channel, Sent, Unprompted
from bot.conversation.reach import where
from bot.db.repositories import QuestionRecord
from bot.keyboards.faq import answer_back_keyboard, staff_question_keyboard
from bot.screens import Keyboard
from bot.services import faq, learners
from bot.services.container import Services
from bot.services.faq import Notice, NoticeKind, NoticeState
from bot.views.faq import (
    render_reply_not_delivered,
    render_reply_to_learner,
    render_staff_answer_back,
    render_staff_question,
)

log = logging.getLogger(__name__)

# After a send that surely did not reach the channel (no connection), try again this later.
RETRY_AFTER_NETWORK_ERROR = timedelta(minutes=1)

_STATES = {
    Sent.SENT: NoticeState.SENT,
    Sent.BLOCKED: NoticeState.BLOCKED,
    # on WhatsApp, more than 24 hours after the staff member wrote and with no template
    Sent.SKIPPED: NoticeState.SKIPPED,
}


@dataclass
class NoticeReport:
    """What one run did (for logs and tests)."""

    claimed: int = 0
    outcomes: dict[NoticeState, int] = field(default_factory=dict)
    retried: int = 0

    def count(self, state: NoticeState) -> None:
        self.outcomes[state] = self.outcomes.get(state, 0) + 1


async def dispatch_faq_notices(services: Services) -> None:
    """Send the staff notices that are due (the scheduler runs this every few seconds)."""
    report = await send_faq_notices(services)
    if report.claimed:
        log.info("faq notices: %s", report)


async def send_faq_notices(services: Services) -> NoticeReport:
    report = NoticeReport()
    while True:
        async with services.uow() as uow:
            ready, claimed = await faq.claim_notices(uow, services.clock())
        report.claimed += claimed
        for _ in range(claimed - len(ready)):
            report.count(NoticeState.SKIPPED)
        for notice in ready:
            await _send(services, notice, report)
        if claimed < faq.NOTICE_BATCH:
            return report


def _render(services: Services, language: str, notice: Notice) -> tuple[str, Keyboard | None]:
    t = services.i18n.translator(language)
    question = notice.question
    match notice.kind:
        case NoticeKind.QUESTION:
            text = render_staff_question(t, question, faq.faq_for(services.course, language))
            return text, staff_question_keyboard(t, question)
        case NoticeKind.ANSWER_BACK:
            text = render_staff_answer_back(t, question, notice.text or "")
            return text, staff_question_keyboard(t, question)
        case NoticeKind.REPLY:
            text = render_reply_to_learner(t, question, notice.text or "")
            return text, answer_back_keyboard(t, question)
        case NoticeKind.NOT_DELIVERED:
            return render_reply_not_delivered(t, question), None


async def _send(services: Services, notice: Notice, report: NoticeReport) -> None:
    recipient = notice.recipient
    async with services.uow() as uow:
        found = (await where(uow, services.channels, [recipient.id])).get(recipient.id)
    if found is None:  # on no channel this process runs
        async with services.uow() as uow:
            await faq.finish_notice(uow, notice, NoticeState.SKIPPED, services.clock())
        report.count(NoticeState.SKIPPED)
        return
    language = recipient.language or services.i18n.default
    text, keyboard = _render(services, language, notice)
    # Outside a WhatsApp admin's 24 hours only the staff template goes (the question in it,
    # without the Reply button: they answer from /questions), or nothing, counted. A reply
    # goes to a learner as their answer, inside their window or not at all.
    staff = notice.kind is not NoticeKind.REPLY
    unprompted = Unprompted(TemplatePurpose.STAFF, language, found.last_wrote) if staff else None
    done = await found.channel.send(found.address, text, keyboard, unprompted=unprompted)
    async with services.uow() as uow:
        if done.result is Sent.LATER:
            retry_at = services.clock() + (done.retry_in or RETRY_AFTER_NETWORK_ERROR)
            await faq.postpone_notice(uow, notice.id, retry_at)
            report.retried += 1
            return
        state = _STATES.get(done.result, NoticeState.FAILED)
        await faq.finish_notice(uow, notice, state, services.clock())
        if state is NoticeState.BLOCKED:
            await learners.mark_blocked(uow, recipient.id)
    report.count(state)
    if state is NoticeState.SENT and notice.kind is NoticeKind.QUESTION and notice.question.voice:
        await _send_voice(services, found.channel, found.address, notice.question)


async def _send_voice(
    services: Services, channel: Channel, address: str, question: QuestionRecord
) -> None:
    """The recording of a question asked by voice, right after its notice. Tried once: the
    notice's 🔊 Listen button sends it again whenever the staff member asks."""
    async with services.uow() as uow:
        file = await faq.question_voice(uow, question)
    if file is None:  # answered (and deleted) in the meantime
        return
    sent = await channel.send_file(address, file)
    if sent.result is not Sent.SENT:
        log.info("a question's recording was not sent with its notice: %s", sent.result)
