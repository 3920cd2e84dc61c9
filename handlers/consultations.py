"""Have your say: read a draft's sections and answer; admins publish, count and export."""

from __future__ import annotations

import asyncio
import logging

from bot.actions.consultations import (
    KAdminList,
    KAdminView,
    KAnswer,
    KCancel,
    KDraft,
    KEdit,
    KExport,
    KFollow,
    KIdentity,
    KMine,
    KNotify,
    KOpen,
    KOutcome,
    KPublish,
    KSection,
    KStance,
    KWithdraw,
    KWithdrawYes,
)
from bot.actions.menu import Menu
from bot.conversation.background import Progress
from bot.conversation.events import Media, Typed
from bot.conversation.ports import FetchFailed, FetchTooLarge, OutFile
from bot.conversation.router import Router
from bot.documents import consultation_exports as exports
from bot.errors import AppError, StaleButton
from bot.i18n import Translator
from bot.keyboards.consultations import (
    CODE_STANCES,
    admin_list_keyboard,
    admin_view_keyboard,
    answer_keyboard,
    cancel_keyboard,
    consultation_keyboard,
    identity_keyboard,
    list_keyboard,
    mine_keyboard,
    receipt_keyboard,
    section_keyboard,
    withdraw_keyboard,
)
from bot.keyboards.menu import back_to_menu_keyboard
from bot.services import consultations, holding
from bot.services.consultations import (
    Answer,
    ConsultationClosed,
    FileNotReceived,
    FileTooLarge,
)
from bot.services.container import Services
from bot.views import background as background_views
from bot.views.consultations import (
    render_admin_list,
    render_admin_view,
    render_answer,
    render_ask_answer,
    render_cancelled,
    render_changed,
    render_consultation,
    render_edit_prompt,
    render_file_too_large,
    render_followed,
    render_identity,
    render_list,
    render_mine,
    render_no_answers,
    render_nothing_to_zip,
    render_outcome_prompt,
    render_outcome_saved,
    render_receipt,
    render_section,
    render_subscription,
    render_withdraw_confirm,
    render_withdrawn,
    render_zip_progress,
)
from bot.waiting import ConsultationAnswer, ConsultationOutcome
from handlers.common import (
    Turn,
    file_in_background,
    in_background,
    picked,
    show,
    typed_text,
    wait,
    waiting_for,
)
from handlers.menu import require_ready, unknown_command

log = logging.getLogger(__name__)

# How long after choosing a section (or Change) a message still counts as the answer.
# Telegram takes uploads of up to 50 MB from bots; ZIPs are split below that.
ZIP_PART_BYTES = 45 * 1024 * 1024


async def _show_list(turn_: Turn, *, edit: bool = True) -> None:
    now = turn_.services.clock()
    open_ = await consultations.open_now(turn_.uow, now)
    subscribed = await turn_.uow.consultations.is_subscribed(turn_.user.id)
    await show(
        turn_,
        render_list(turn_.t, open_, turn_.language, subscribed),
        list_keyboard(turn_.t, open_, turn_.language, subscribed),
        edit=edit,
    )


def _set_pending(turn_: Turn, pending: ConsultationAnswer | None) -> None:
    if pending is not None or waiting_for(turn_, ConsultationAnswer) is not None:
        wait(turn_, pending)


async def on_have_your_say(turn_: Turn) -> None:
    """List the open consultations."""
    if await require_ready(turn_):
        await _show_list(turn_)


async def on_open(turn_: Turn) -> None:
    """Show a consultation's summary and its sections."""
    consultation_id = picked(turn_, KOpen).consultation
    if not await require_ready(turn_):
        return
    now = turn_.services.clock()
    consultation = await consultations.readable(turn_.uow, consultation_id, now)
    if not consultation.is_open(now):
        await show(turn_, turn_.t.gettext(ConsultationClosed.msgid))
        await _show_list(turn_, edit=False)
        return
    await show(
        turn_,
        render_consultation(turn_.t, consultation, turn_.language),
        consultation_keyboard(turn_.t, consultation, turn_.language),
    )


async def on_draft(turn_: Turn) -> None:
    """Send the draft document kept in the repository."""
    consultation_id = picked(turn_, KDraft).consultation
    now = turn_.services.clock()
    consultation = await consultations.readable(turn_.uow, consultation_id, now)
    name = consultation.spec.draft_file
    path = (turn_.services.settings.content_dir / name).resolve() if name else None
    if path is None or not path.is_file():
        raise StaleButton(str(consultation_id))
    await turn_.reply.send_file(OutFile(path.read_bytes(), path.name))


async def on_section(turn_: Turn) -> None:
    """Show one section with the three ways to answer."""
    section = picked(turn_, KSection)
    consultation_id, index = section.consultation, section.section
    if not await require_ready(turn_):
        return
    now = turn_.services.clock()
    consultation = await consultations.readable(turn_.uow, consultation_id, now)
    if index >= len(consultation.spec.clauses):
        raise StaleButton(str(index))
    await show(
        turn_,
        render_section(turn_.t, consultation, index, turn_.language),
        section_keyboard(turn_.t, consultation_id, index),
    )


async def on_stance(turn_: Turn) -> None:
    """After a stance: anonymous or named?"""
    data = picked(turn_, KStance)
    if not await require_ready(turn_):
        return
    consultation = await consultations.readable(
        turn_.uow, data.consultation, turn_.services.clock()
    )
    if data.section >= len(consultation.spec.clauses):
        raise StaleButton(str(data.section))
    await show(turn_, render_identity(turn_.t), identity_keyboard(turn_.t, data))


async def on_identity(turn_: Turn) -> None:
    """Remember what the next message answers (in memory only), and ask for it."""
    choice = picked(turn_, KIdentity)
    cid, index = choice.consultation, choice.section
    if not await require_ready(turn_):
        return
    now = turn_.services.clock()
    consultation = await consultations.readable(turn_.uow, cid, now)
    if index >= len(consultation.spec.clauses):
        raise StaleButton(str(index))
    if not consultation.is_open(now):
        raise ConsultationClosed(str(cid))
    anonymous = choice.anonymous
    _set_pending(
        turn_,
        ConsultationAnswer(
            now,
            consultation=cid,
            section=index,
            stance=CODE_STANCES[choice.stance],
            anonymous=anonymous,
        ),
    )
    mb = turn_.services.settings.consultation_max_file_mb
    await show(turn_, render_ask_answer(turn_.t, anonymous, mb), cancel_keyboard(turn_.t))


async def on_cancel(turn_: Turn) -> None:
    """Drop the answer being written."""
    picked(turn_, KCancel)
    wait(turn_, None)
    await show(turn_, render_cancelled(turn_.t), back_to_menu_keyboard(turn_.t))


def read_answer(turn_: Turn) -> Answer:
    """What the message carries, as an answer (the service checks it)."""
    event = turn_.event
    channel = turn_.person.platform
    if isinstance(event, Typed):
        return Answer("text", text=event.text, channel=channel)
    if isinstance(event, Media) and event.kind in ("voice", "photo", "document"):
        mime = event.mime or ("audio/ogg" if event.kind == "voice" else None)
        return Answer(
            event.kind,
            event.caption,
            event.file_id,
            event.size,
            mime,
            event.name,
            file_platform=channel,
            channel=channel,
        )
    return Answer("other", channel=channel)


async def checked_answer(turn_: Turn, max_mb: int) -> Answer:
    """The message as a checked answer. Where the channel's file ids lapse, the file is
    downloaded now, while its link works, and kept by us (its type read from its bytes)."""
    answer = consultations.check_answer(read_answer(turn_), max_mb)
    if answer.file_id is None or turn_.reply.keeps_files:
        return answer
    try:
        data = await turn_.reply.fetch(answer.file_id, limit=max_mb * 1024 * 1024)
    except FetchTooLarge as err:
        raise FileTooLarge(str(err)) from err
    except FetchFailed as err:
        log.warning("could not receive an answer's file: %s", err)
        raise FileNotReceived() from err
    return consultations.keep_copy(answer, data, max_mb)


async def take_message(turn_: Turn) -> bool:
    """Treat the message as the awaited consultation answer or admin note; False otherwise."""
    if await _take_outcome(turn_):
        return True
    pending = waiting_for(turn_, ConsultationAnswer)
    if pending is None:
        return False
    services = turn_.services
    now = services.clock()
    t = turn_.t
    max_mb = services.settings.consultation_max_file_mb
    try:
        answer = await checked_answer(turn_, max_mb)
        if pending.edit_number is not None:
            receipt = await consultations.change_answer(
                turn_.uow,
                services.answer_limit,
                user_id=turn_.user.id,
                consultation_id=pending.consultation,
                number=pending.edit_number,
                answer=answer,
                now=now,
            )
            _set_pending(turn_, None)
            await show(
                turn_,
                render_changed(t, receipt.reference),
                receipt_keyboard(t, pending.consultation, False),
                edit=False,
            )
            return True
        receipt = await consultations.submit(
            turn_.uow,
            services.answer_limit,
            consultation_id=pending.consultation,
            section=pending.section,
            stance=pending.stance,
            answer=answer,
            language=turn_.language,
            user_id=turn_.user.id,
            anonymous=pending.anonymous,
            author_name=turn_.person.name,
            now=now,
        )
    except FileTooLarge:
        await show(turn_, render_file_too_large(t, max_mb), cancel_keyboard(t), edit=False)
        return True
    except (ConsultationClosed, StaleButton) as err:
        _set_pending(turn_, None)
        await show(turn_, t.gettext(err.msgid), back_to_menu_keyboard(t), edit=False)
        return True
    except AppError as err:
        await show(turn_, t.gettext(err.msgid), cancel_keyboard(t), edit=False)
        return True
    _set_pending(turn_, None)
    await show(
        turn_,
        render_receipt(t, receipt, turn_.language),
        receipt_keyboard(t, pending.consultation, receipt.anonymous),
        edit=False,
    )
    return True


async def on_follow(turn_: Turn) -> None:
    """Put the user on the list for the thank-you and the note on what changed."""
    consultation_id = picked(turn_, KFollow).consultation
    await consultations.follow(turn_.uow, consultation_id, turn_.user.id)
    await show(turn_, render_followed(turn_.t), back_to_menu_keyboard(turn_.t), edit=False)


async def on_notify(turn_: Turn) -> None:
    """Turn "Tell me about consultations" on or off."""
    on = picked(turn_, KNotify).switch == "on"
    if not await require_ready(turn_):
        return
    await consultations.set_subscribed(turn_.uow, turn_.user.id, on)
    await show(turn_, render_subscription(turn_.t, on), back_to_menu_keyboard(turn_.t))


async def on_mine(turn_: Turn) -> None:
    """List the user's named answers."""
    picked(turn_, KMine)
    if not await require_ready(turn_):
        return
    answers = await consultations.my_answers(turn_.uow, turn_.user.id)
    await show(
        turn_,
        render_mine(turn_.t, answers, turn_.language),
        mine_keyboard(turn_.t, answers),
    )


async def on_answer(turn_: Turn) -> None:
    """Show one named answer with Change and Withdraw while the consultation is open."""
    answer = picked(turn_, KAnswer)
    cid, number = answer.consultation, answer.number
    mine = await consultations.my_answer(turn_.uow, turn_.user.id, cid, number)
    now = turn_.services.clock()
    await show(
        turn_,
        render_answer(turn_.t, mine, turn_.language, now),
        answer_keyboard(turn_.t, mine, mine.consultation.is_open(now)),
    )


async def on_edit(turn_: Turn) -> None:
    """Wait for the new version of a named answer."""
    edit = picked(turn_, KEdit)
    cid, number = edit.consultation, edit.number
    mine = await consultations.my_answer(turn_.uow, turn_.user.id, cid, number)
    now = turn_.services.clock()
    if not mine.consultation.is_open(now):
        raise ConsultationClosed(str(cid))
    a = mine.answer
    _set_pending(
        turn_,
        ConsultationAnswer(
            now,
            consultation=cid,
            section=a.section,
            stance=a.stance,
            anonymous=False,
            edit_number=number,
        ),
    )
    await show(turn_, render_edit_prompt(turn_.t, mine.reference), cancel_keyboard(turn_.t))


async def on_withdraw(turn_: Turn) -> None:
    """Ask before withdrawing a named answer."""
    withdraw = picked(turn_, KWithdraw)
    cid, number = withdraw.consultation, withdraw.number
    mine = await consultations.my_answer(turn_.uow, turn_.user.id, cid, number)
    if not mine.consultation.is_open(turn_.services.clock()):
        raise ConsultationClosed(str(cid))
    await show(
        turn_,
        render_withdraw_confirm(turn_.t, mine.reference),
        withdraw_keyboard(turn_.t, cid, number),
    )


async def on_withdraw_yes(turn_: Turn) -> None:
    """Withdraw (delete) a named answer before the close."""
    withdraw = picked(turn_, KWithdrawYes)
    cid, number = withdraw.consultation, withdraw.number
    ref = await consultations.withdraw(
        turn_.uow, turn_.user.id, cid, number, turn_.services.clock()
    )
    answers = await consultations.my_answers(turn_.uow, turn_.user.id)
    await show(turn_, render_withdrawn(turn_.t, ref), mine_keyboard(turn_.t, answers))


# --- admin ----------------------------------------------------------------------------------


def _is_admin(turn_: Turn) -> bool:
    return turn_.is_admin


async def _admin_list(turn_: Turn, *, edit: bool) -> None:
    uow, files = turn_.uow, turn_.services.consultation_files
    published = await consultations.published(uow)
    waiting = await consultations.unpublished(uow, files)
    await show(
        turn_,
        render_admin_list(turn_.t, published, waiting),
        admin_list_keyboard(turn_.t, published, waiting),
        edit=edit,
    )


async def _admin_view(turn_: Turn, consultation_id: int, *, edit: bool) -> None:
    consultation = await consultations.get(turn_.uow, consultation_id)
    counts = await consultations.section_counts(turn_.uow, consultation)
    waiting = await holding.waiting(turn_.uow, consultation_id)
    closed = not consultation.record.closes_at > turn_.services.clock()
    await show(
        turn_,
        render_admin_view(turn_.t, consultation, counts, waiting),
        admin_view_keyboard(turn_.t, consultation, closed),
        edit=edit,
    )


async def cmd_consultations(turn_: Turn) -> None:
    """Admins: consultations, files to publish; to others the command does not exist."""
    if not _is_admin(turn_):
        await unknown_command(turn_)
        return
    await _admin_list(turn_, edit=False)


async def on_admin_list(turn_: Turn) -> None:
    """Admins: back to the list."""
    picked(turn_, KAdminList)
    if not _is_admin(turn_):
        raise StaleButton("kl")
    await _admin_list(turn_, edit=True)


async def on_publish(turn_: Turn) -> None:
    """Admins: publish a consultation file."""
    slug = picked(turn_, KPublish).slug
    if not _is_admin(turn_):
        raise StaleButton("kp")
    consultation = await consultations.publish(
        turn_.uow, turn_.services.consultation_files, slug, turn_.services.clock()
    )
    await _admin_view(turn_, consultation.id, edit=True)


async def on_admin_view(turn_: Turn) -> None:
    """Admins: counts per section and the exports."""
    consultation_id = picked(turn_, KAdminView).consultation
    if not _is_admin(turn_):
        raise StaleButton("kc")
    await _admin_view(turn_, consultation_id, edit=True)


async def on_export(turn_: Turn) -> None:
    """Admins: the answers as CSV or XLSX, or their files as ZIPs, made in the background
    with a progress message (fetching a hundred voice notes must not hold up anyone)."""
    export = picked(turn_, KExport)
    cid, fmt = export.consultation, export.format
    if not _is_admin(turn_):
        raise StaleButton("kx")
    consultation = await consultations.get(turn_.uow, int(cid))
    answers = await turn_.uow.consultations.answers(consultation.id)
    t = turn_.t
    if not answers:
        await show(turn_, render_no_answers(t), edit=False)
        return
    if fmt == "zip" and not any(a.file_id or a.file_kept for a in answers):
        await show(turn_, render_nothing_to_zip(t), edit=False)
        return
    slug, services = consultation.record.slug, turn_.services
    if fmt == "csv":
        csv_name = f"{slug}-answers.csv"
        await file_in_background(
            turn_, lambda: OutFile(exports.to_csv(consultation, answers), csv_name)
        )
    elif fmt == "xlsx":
        xlsx_name = f"{slug}-answers.xlsx"
        await file_in_background(
            turn_, lambda: OutFile(exports.to_xlsx(consultation, answers), xlsx_name)
        )
    else:

        async def work(progress: Progress) -> str:
            await _send_zip(services, t, consultation, answers, progress)
            return background_views.render_done(t)

        await in_background(turn_, work)


async def _send_zip(
    services: Services,
    t: Translator,
    consultation: consultations.Loaded,
    answers: list[consultations.ConsultationAnswerRecord],
    progress: Progress,
) -> None:
    """Fetch every answer's file from the channel that keeps it and send them as ZIPs
    under 45 MB each; files are compressed in a thread."""
    with_files = [a for a in answers if a.file_id or a.file_kept]
    slug = consultation.record.slug
    part = exports.ZipPart.new(ZIP_PART_BYTES)
    parts = 0
    missing: list[str] = []
    for done, answer in enumerate(with_files):
        await progress.say(render_zip_progress(t, done, len(with_files)))
        name = exports.file_name(consultation, answer)
        try:
            data = await _answer_file(services, answer)
        except FetchFailed as err:
            log.warning("could not fetch %s: %s", name, err)
            missing.append(f"{name}: {err}")
            continue
        name = exports.file_name(consultation, answer, data)  # the type its bytes show
        if not part.fits(len(data)):
            parts += 1
            zipped = await asyncio.to_thread(part.close)
            await progress.send_file(OutFile(zipped, f"{slug}-files-{parts}.zip"))
            part = exports.ZipPart.new(ZIP_PART_BYTES)
        await asyncio.to_thread(part.add, name, data)
    if missing:
        part.add("missing.txt", "\n".join(missing).encode("utf-8"))
    parts += 1
    zipped = await asyncio.to_thread(part.close)
    await progress.send_file(OutFile(zipped, f"{slug}-files-{parts}.zip"))


async def _answer_file(
    services: Services, answer: consultations.ConsultationAnswerRecord
) -> bytes:
    """An answer's file: our own copy (read in a unit of work of its own: this runs in the
    background, after the turn's has closed), or fetched from the channel that keeps it."""
    if answer.file_kept:
        async with services.uow() as uow:
            data = await uow.answer_files.get(answer.consultation_id, answer.number)
        if data is None:
            raise FetchFailed("our copy cannot be opened with this key")
        return data
    channel = services.channels.get(answer.file_platform or "")
    if channel is None:
        raise FetchFailed(f"{answer.file_platform} is not running")
    return await channel.fetch(str(answer.file_id))


async def on_outcome(turn_: Turn) -> None:
    """Admins: wait for the typed note on what changed."""
    consultation_id = picked(turn_, KOutcome).consultation
    if not _is_admin(turn_):
        raise StaleButton("kq")
    await consultations.get(turn_.uow, consultation_id)
    wait(turn_, ConsultationOutcome(turn_.services.clock(), consultation=consultation_id))
    await show(turn_, render_outcome_prompt(turn_.t), cancel_keyboard(turn_.t))


async def _take_outcome(turn_: Turn) -> bool:
    waiting = waiting_for(turn_, ConsultationOutcome)
    text = typed_text(turn_)
    if waiting is None or not _is_admin(turn_):
        return False
    consultation_id = waiting.consultation
    now = turn_.services.clock()
    if text is None:
        wait(turn_, None)
        return False
    try:
        people = await consultations.write_outcome(turn_.uow, consultation_id, text, now)
    except AppError as err:
        wait(turn_, None)
        await show(turn_, turn_.t.gettext(err.msgid), back_to_menu_keyboard(turn_.t), edit=False)
        return True
    wait(turn_, None)
    await show(turn_, render_outcome_saved(turn_.t, people), edit=False)
    await _admin_view(turn_, consultation_id, edit=False)
    return True


def routes(router: Router) -> None:
    router.command("consultations", cmd_consultations)
    router.choice(Menu("consult"), on_have_your_say)
    router.action(KOpen, on_open)
    router.action(KDraft, on_draft)
    router.action(KSection, on_section)
    router.action(KStance, on_stance)
    router.action(KIdentity, on_identity)
    router.action(KCancel, on_cancel)
    router.action(KFollow, on_follow)
    router.action(KNotify, on_notify)
    router.action(KMine, on_mine)
    router.action(KAnswer, on_answer)
    router.action(KEdit, on_edit)
    router.action(KWithdraw, on_withdraw)
    router.action(KWithdrawYes, on_withdraw_yes)
    router.action(KAdminList, on_admin_list)
    router.action(KPublish, on_publish)
    router.action(KAdminView, on_admin_view)
    router.action(KExport, on_export)
    router.action(KOutcome, on_outcome)
