"""Have your say: read a draft's sections and answer; admins publish, count and export."""

from __future__ import annotations

import asyncio
import logging

from telegram import InputFile, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    filters,
)

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
from bot.channels.telegram.context import BotContext
from bot.documents import consultation_exports as exports
from bot.errors import AppError, StaleButton
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
from bot.services.consultations import Answer, ConsultationClosed, FileTooLarge, NotOpenYet
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
)
from bot.waiting import ConsultationAnswer, ConsultationOutcome
from handlers.common import Turn, picked, show, turn, wait, waiting_for
from handlers.menu import require_ready, unknown_command

log = logging.getLogger(__name__)

# How long after choosing a section (or Change) a message still counts as the answer.
# Telegram takes uploads of up to 50 MB from bots; ZIPs are split below that.
ZIP_PART_BYTES = 45 * 1024 * 1024


async def _show_list(update: Update, turn_: Turn, *, edit: bool = True) -> None:
    now = turn_.services.clock()
    open_ = await consultations.open_now(turn_.uow, now)
    subscribed = await turn_.uow.consultations.is_subscribed(turn_.user.id)
    await show(
        update,
        render_list(turn_.t, open_, turn_.language, subscribed),
        list_keyboard(turn_.t, open_, turn_.language, subscribed),
        edit=edit,
    )


def _set_pending(context: BotContext, pending: ConsultationAnswer | None) -> None:
    if pending is not None or waiting_for(context, ConsultationAnswer) is not None:
        wait(context, pending)


@turn
async def on_have_your_say(update: Update, context: BotContext, turn_: Turn) -> None:
    """List the open consultations."""
    if await require_ready(update, turn_):
        await _show_list(update, turn_)


@turn
async def on_open(update: Update, context: BotContext, turn_: Turn) -> None:
    """Show a consultation's summary and its sections."""
    consultation_id = picked(update, KOpen).consultation
    if not await require_ready(update, turn_):
        return
    consultation = await consultations.get(turn_.uow, consultation_id)
    now = turn_.services.clock()
    if not consultation.is_open(now):
        closed = now >= consultation.record.closes_at
        refusal = ConsultationClosed.msgid if closed else NotOpenYet.msgid
        await show(update, turn_.t.gettext(refusal))
        await _show_list(update, turn_, edit=False)
        return
    await show(
        update,
        render_consultation(turn_.t, consultation, turn_.language),
        consultation_keyboard(turn_.t, consultation, turn_.language),
    )


@turn
async def on_draft(update: Update, context: BotContext, turn_: Turn) -> None:
    """Send the draft document kept in the repository."""
    consultation_id = picked(update, KDraft).consultation
    consultation = await consultations.get(turn_.uow, consultation_id)
    name = consultation.spec.draft_file
    path = (turn_.services.settings.content_dir / name).resolve() if name else None
    if path is None or not path.is_file():
        raise StaleButton(str(consultation_id))
    chat = update.effective_chat
    if chat is not None:
        await chat.send_document(InputFile(path.read_bytes(), filename=path.name))


@turn
async def on_section(update: Update, context: BotContext, turn_: Turn) -> None:
    """Show one section with the three ways to answer."""
    section = picked(update, KSection)
    consultation_id, index = section.consultation, section.section
    if not await require_ready(update, turn_):
        return
    consultation = await consultations.get(turn_.uow, consultation_id)
    if index >= len(consultation.spec.clauses):
        raise StaleButton(str(index))
    await show(
        update,
        render_section(turn_.t, consultation, index, turn_.language),
        section_keyboard(turn_.t, consultation_id, index),
    )


@turn
async def on_stance(update: Update, context: BotContext, turn_: Turn) -> None:
    """After a stance: anonymous or named?"""
    data = picked(update, KStance)
    if await require_ready(update, turn_):
        await show(update, render_identity(turn_.t), identity_keyboard(turn_.t, data))


@turn
async def on_identity(update: Update, context: BotContext, turn_: Turn) -> None:
    """Remember what the next message answers (in memory only), and ask for it."""
    choice = picked(update, KIdentity)
    cid, index = choice.consultation, choice.section
    if not await require_ready(update, turn_):
        return
    consultation = await consultations.get(turn_.uow, cid)
    now = turn_.services.clock()
    if index >= len(consultation.spec.clauses):
        raise StaleButton(str(index))
    if not consultation.is_open(now):
        raise ConsultationClosed(str(cid))
    anonymous = choice.anonymous
    _set_pending(
        context,
        ConsultationAnswer(
            now,
            consultation=cid,
            section=index,
            stance=CODE_STANCES[choice.stance],
            anonymous=anonymous,
        ),
    )
    mb = turn_.services.settings.consultation_max_file_mb
    await show(update, render_ask_answer(turn_.t, anonymous, mb), cancel_keyboard(turn_.t))


@turn
async def on_cancel(update: Update, context: BotContext, turn_: Turn) -> None:
    """Drop the answer being written."""
    picked(update, KCancel)
    wait(context, None)
    await show(update, render_cancelled(turn_.t), back_to_menu_keyboard(turn_.t))


def read_answer(message: Message) -> Answer:
    """What the message carries, as an answer (the service checks it)."""
    caption = message.caption
    if message.text is not None:
        return Answer("text", text=message.text)
    if message.voice is not None:
        voice = message.voice
        mime = voice.mime_type or "audio/ogg"
        return Answer("voice", caption, voice.file_id, voice.file_size, mime, None)
    if message.photo:
        photo = message.photo[-1]  # the largest size
        return Answer("photo", caption, photo.file_id, photo.file_size, "image/jpeg", None)
    if message.document is not None:
        doc = message.document
        return Answer(
            "document", caption, doc.file_id, doc.file_size, doc.mime_type, doc.file_name
        )
    return Answer("other")


async def take_message(update: Update, context: BotContext, turn_: Turn) -> bool:
    """Treat the message as the awaited consultation answer or admin note; False otherwise."""
    if await _take_outcome(update, context, turn_):
        return True
    pending = waiting_for(context, ConsultationAnswer)
    message = update.message
    if pending is None or message is None:
        return False
    services = turn_.services
    now = services.clock()
    t = turn_.t
    max_mb = services.settings.consultation_max_file_mb
    try:
        answer = consultations.check_answer(read_answer(message), max_mb)
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
            _set_pending(context, None)
            await show(
                update,
                render_changed(t, receipt.reference),
                receipt_keyboard(t, pending.consultation, False),
                edit=False,
            )
            return True
        user = update.effective_user
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
            author_name=_name(user.full_name, user.username) if user else None,
            now=now,
        )
    except FileTooLarge:
        await show(update, render_file_too_large(t, max_mb), cancel_keyboard(t), edit=False)
        return True
    except (ConsultationClosed, StaleButton) as err:
        _set_pending(context, None)
        await show(update, t.gettext(err.msgid), back_to_menu_keyboard(t), edit=False)
        return True
    except AppError as err:
        await show(update, t.gettext(err.msgid), cancel_keyboard(t), edit=False)
        return True
    _set_pending(context, None)
    await show(
        update,
        render_receipt(t, receipt, turn_.language),
        receipt_keyboard(t, pending.consultation, receipt.anonymous),
        edit=False,
    )
    return True


def _name(full_name: str, username: str | None) -> str:
    return (full_name + (f" (@{username})" if username else ""))[:256]


@turn
async def on_follow(update: Update, context: BotContext, turn_: Turn) -> None:
    """Put the user on the list for the thank-you and the note on what changed."""
    consultation_id = picked(update, KFollow).consultation
    await consultations.follow(turn_.uow, consultation_id, turn_.user.id)
    await show(update, render_followed(turn_.t), back_to_menu_keyboard(turn_.t), edit=False)


@turn
async def on_notify(update: Update, context: BotContext, turn_: Turn) -> None:
    """Turn "Tell me about consultations" on or off."""
    on = picked(update, KNotify).switch == "on"
    if not await require_ready(update, turn_):
        return
    await consultations.set_subscribed(turn_.uow, turn_.user.id, on)
    await show(update, render_subscription(turn_.t, on), back_to_menu_keyboard(turn_.t))


@turn
async def on_mine(update: Update, context: BotContext, turn_: Turn) -> None:
    """List the user's named answers."""
    picked(update, KMine)
    if not await require_ready(update, turn_):
        return
    answers = await consultations.my_answers(turn_.uow, turn_.user.id)
    await show(
        update,
        render_mine(turn_.t, answers, turn_.language),
        mine_keyboard(turn_.t, answers),
    )


@turn
async def on_answer(update: Update, context: BotContext, turn_: Turn) -> None:
    """Show one named answer with Change and Withdraw while the consultation is open."""
    answer = picked(update, KAnswer)
    cid, number = answer.consultation, answer.number
    mine = await consultations.my_answer(turn_.uow, turn_.user.id, cid, number)
    now = turn_.services.clock()
    await show(
        update,
        render_answer(turn_.t, mine, turn_.language, now),
        answer_keyboard(turn_.t, mine, mine.consultation.is_open(now)),
    )


@turn
async def on_edit(update: Update, context: BotContext, turn_: Turn) -> None:
    """Wait for the new version of a named answer."""
    edit = picked(update, KEdit)
    cid, number = edit.consultation, edit.number
    mine = await consultations.my_answer(turn_.uow, turn_.user.id, cid, number)
    now = turn_.services.clock()
    if not mine.consultation.is_open(now):
        raise ConsultationClosed(str(cid))
    a = mine.answer
    _set_pending(
        context,
        ConsultationAnswer(
            now,
            consultation=cid,
            section=a.section,
            stance=a.stance,
            anonymous=False,
            edit_number=number,
        ),
    )
    await show(update, render_edit_prompt(turn_.t, mine.reference), cancel_keyboard(turn_.t))


@turn
async def on_withdraw(update: Update, context: BotContext, turn_: Turn) -> None:
    """Ask before withdrawing a named answer."""
    withdraw = picked(update, KWithdraw)
    cid, number = withdraw.consultation, withdraw.number
    mine = await consultations.my_answer(turn_.uow, turn_.user.id, cid, number)
    if not mine.consultation.is_open(turn_.services.clock()):
        raise ConsultationClosed(str(cid))
    await show(
        update,
        render_withdraw_confirm(turn_.t, mine.reference),
        withdraw_keyboard(turn_.t, cid, number),
    )


@turn
async def on_withdraw_yes(update: Update, context: BotContext, turn_: Turn) -> None:
    """Withdraw (delete) a named answer before the close."""
    withdraw = picked(update, KWithdrawYes)
    cid, number = withdraw.consultation, withdraw.number
    ref = await consultations.withdraw(
        turn_.uow, turn_.user.id, cid, number, turn_.services.clock()
    )
    answers = await consultations.my_answers(turn_.uow, turn_.user.id)
    await show(update, render_withdrawn(turn_.t, ref), mine_keyboard(turn_.t, answers))


# --- admin ----------------------------------------------------------------------------------


def _is_admin(turn_: Turn) -> bool:
    return turn_.is_admin


async def _admin_list(update: Update, turn_: Turn, *, edit: bool) -> None:
    uow, files = turn_.uow, turn_.services.consultation_files
    published = await consultations.published(uow)
    waiting = await consultations.unpublished(uow, files)
    await show(
        update,
        render_admin_list(turn_.t, published, waiting),
        admin_list_keyboard(turn_.t, published, waiting),
        edit=edit,
    )


async def _admin_view(update: Update, turn_: Turn, consultation_id: int, *, edit: bool) -> None:
    consultation = await consultations.get(turn_.uow, consultation_id)
    counts = await consultations.section_counts(turn_.uow, consultation)
    waiting = await holding.waiting(turn_.uow, consultation_id)
    closed = not consultation.record.closes_at > turn_.services.clock()
    await show(
        update,
        render_admin_view(turn_.t, consultation, counts, waiting),
        admin_view_keyboard(turn_.t, consultation, closed),
        edit=edit,
    )


@turn
async def cmd_consultations(update: Update, context: BotContext, turn_: Turn) -> None:
    """Admins: consultations, files to publish; to others the command does not exist."""
    if not _is_admin(turn_):
        await unknown_command(update, turn_)
        return
    await _admin_list(update, turn_, edit=False)


@turn
async def on_admin_list(update: Update, context: BotContext, turn_: Turn) -> None:
    """Admins: back to the list."""
    picked(update, KAdminList)
    if not _is_admin(turn_):
        raise StaleButton("kl")
    await _admin_list(update, turn_, edit=True)


@turn
async def on_publish(update: Update, context: BotContext, turn_: Turn) -> None:
    """Admins: publish a consultation file."""
    slug = picked(update, KPublish).slug
    if not _is_admin(turn_):
        raise StaleButton("kp")
    consultation = await consultations.publish(
        turn_.uow, turn_.services.consultation_files, slug, turn_.services.clock()
    )
    await _admin_view(update, turn_, consultation.id, edit=True)


@turn
async def on_admin_view(update: Update, context: BotContext, turn_: Turn) -> None:
    """Admins: counts per section and the exports."""
    consultation_id = picked(update, KAdminView).consultation
    if not _is_admin(turn_):
        raise StaleButton("kc")
    await _admin_view(update, turn_, consultation_id, edit=True)


@turn
async def on_export(update: Update, context: BotContext, turn_: Turn) -> None:
    """Admins: send the answers as CSV or XLSX, or their files as a ZIP."""
    export = picked(update, KExport)
    cid, fmt = export.consultation, export.format
    if not _is_admin(turn_):
        raise StaleButton("kx")
    consultation = await consultations.get(turn_.uow, int(cid))
    answers = await turn_.uow.consultations.answers(consultation.id)
    chat = update.effective_chat
    if chat is None:
        return
    slug = consultation.record.slug
    if not answers:
        await show(update, render_no_answers(turn_.t), edit=False)
    elif fmt == "csv":
        data = exports.to_csv(consultation, answers)
        await chat.send_document(InputFile(data, filename=f"{slug}-answers.csv"))
    elif fmt == "xlsx":
        data = await asyncio.to_thread(exports.to_xlsx, consultation, answers)
        await chat.send_document(InputFile(data, filename=f"{slug}-answers.xlsx"))
    else:
        await _send_zip(update, context, turn_, consultation, answers)


async def _send_zip(
    update: Update,
    context: BotContext,
    turn_: Turn,
    consultation: consultations.Loaded,
    answers: list[consultations.ConsultationAnswerRecord],
) -> None:
    """Fetch every answer's file with getFile and send them as ZIPs under 45 MB each."""
    chat = update.effective_chat
    with_files = [a for a in answers if a.file_id]
    if chat is None:
        return
    if not with_files:
        await show(update, render_nothing_to_zip(turn_.t), edit=False)
        return
    slug = consultation.record.slug
    part = exports.ZipPart.new(ZIP_PART_BYTES)
    parts = 0
    missing: list[str] = []
    for answer in with_files:
        name = exports.file_name(consultation, answer)
        try:
            file = await context.bot.get_file(str(answer.file_id))
            data = bytes(await file.download_as_bytearray())
        except TelegramError as err:
            log.warning("could not fetch %s: %s", name, err)
            missing.append(f"{name}: {err}")
            continue
        name = exports.file_name(consultation, answer, data)  # the type its bytes show
        if not part.fits(len(data)):
            parts += 1
            await chat.send_document(InputFile(part.close(), filename=f"{slug}-files-{parts}.zip"))
            part = exports.ZipPart.new(ZIP_PART_BYTES)
        part.add(name, data)
    if missing:
        part.add("missing.txt", "\n".join(missing).encode("utf-8"))
    parts += 1
    await chat.send_document(InputFile(part.close(), filename=f"{slug}-files-{parts}.zip"))


@turn
async def on_outcome(update: Update, context: BotContext, turn_: Turn) -> None:
    """Admins: wait for the typed note on what changed."""
    consultation_id = picked(update, KOutcome).consultation
    if not _is_admin(turn_):
        raise StaleButton("kq")
    await consultations.get(turn_.uow, consultation_id)
    wait(context, ConsultationOutcome(turn_.services.clock(), consultation=consultation_id))
    await show(update, render_outcome_prompt(turn_.t), cancel_keyboard(turn_.t))


async def _take_outcome(update: Update, context: BotContext, turn_: Turn) -> bool:
    waiting = waiting_for(context, ConsultationOutcome)
    text = update.message.text if update.message else None
    if waiting is None or not _is_admin(turn_):
        return False
    consultation_id = waiting.consultation
    now = turn_.services.clock()
    if text is None:
        wait(context, None)
        return False
    try:
        people = await consultations.write_outcome(turn_.uow, consultation_id, text, now)
    except AppError as err:
        wait(context, None)
        await show(update, turn_.t.gettext(err.msgid), back_to_menu_keyboard(turn_.t), edit=False)
        return True
    wait(context, None)
    await show(update, render_outcome_saved(turn_.t, people), edit=False)
    await _admin_view(update, turn_, consultation_id, edit=False)
    return True


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("consultations", cmd_consultations, filters=private),
        CallbackQueryHandler(on_have_your_say, pattern=Menu.only("consult")),
        CallbackQueryHandler(on_open, pattern=KOpen.matches),
        CallbackQueryHandler(on_draft, pattern=KDraft.matches),
        CallbackQueryHandler(on_section, pattern=KSection.matches),
        CallbackQueryHandler(on_stance, pattern=KStance.matches),
        CallbackQueryHandler(on_identity, pattern=KIdentity.matches),
        CallbackQueryHandler(on_cancel, pattern=KCancel.matches),
        CallbackQueryHandler(on_follow, pattern=KFollow.matches),
        CallbackQueryHandler(on_notify, pattern=KNotify.matches),
        CallbackQueryHandler(on_mine, pattern=KMine.matches),
        CallbackQueryHandler(on_answer, pattern=KAnswer.matches),
        CallbackQueryHandler(on_edit, pattern=KEdit.matches),
        CallbackQueryHandler(on_withdraw, pattern=KWithdraw.matches),
        CallbackQueryHandler(on_withdraw_yes, pattern=KWithdrawYes.matches),
        CallbackQueryHandler(on_admin_list, pattern=KAdminList.matches),
        CallbackQueryHandler(on_publish, pattern=KPublish.matches),
        CallbackQueryHandler(on_admin_view, pattern=KAdminView.matches),
        CallbackQueryHandler(on_export, pattern=KExport.matches),
        CallbackQueryHandler(on_outcome, pattern=KOutcome.matches),
    ]
