"""Recorded audio: a trainer records a card, an admin reviews it, a learner listens."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from bot.actions.recordings import (
    DraftAgain,
    DraftCancel,
    DraftSubmit,
    Listen,
    ListenSettings,
    RecordCard,
    RecordIn,
    ReviewApprove,
    ReviewList,
    ReviewOpen,
    ReviewReject,
    SetAudioFirst,
    SetListen,
)
from bot.content import CardPlace
from bot.conversation import reach
from bot.conversation.events import Media, Typed
from bot.conversation.ports import FetchFailed, FetchTooLarge, Unprompted
from bot.conversation.router import Router
from bot.db.repositories import RecordingRecord
from bot.errors import StaleButton
from bot.i18n import Translator
from bot.keyboards.recordings import (
    back_to_card_keyboard,
    back_to_list_keyboard,
    draft_keyboard,
    languages_keyboard,
    listen_keyboard,
    listening_keyboard,
    review_keyboard,
    review_list_keyboard,
    waiting_keyboard,
)
from bot.screens import Keyboard
from bot.services import recordings
from bot.services.recordings import (
    AudioTooLarge,
    AudioTooLong,
    BadReason,
    Limits,
    NotAudio,
    Target,
)
from bot.views import recordings as views
from bot.views.lessons import progress_line
from bot.waiting import CardRecording, RejectReason
from handlers.common import Turn, picked, show, wait, waiting_for
from handlers.menu import require_ready, unknown_command

log = logging.getLogger(__name__)


def listening_language(turn_: Turn) -> str:
    """The language a learner hears cards in: the one chosen in Settings → Listening while
    the course still has it, else the one they read in."""
    chosen = turn_.user.listen_language
    if chosen and recordings.valid_language(turn_.services.course, chosen):
        return chosen
    return turn_.language


async def card_audio(turn_: Turn, place: CardPlace) -> RecordingRecord | None:
    """The card's approved recording in the listening language, if any."""
    target = Target("card", place.card.id, listening_language(turn_))
    return await recordings.approved_for(turn_.uow, target, turn_.services.recorded)


async def send_audio_first(
    turn_: Turn, place: CardPlace, recording: RecordingRecord, keyboard: Keyboard
) -> None:
    """A card sent audio first: its voice note, with its title, place and buttons."""
    caption = views.render_card_heading(place.lesson.title, progress_line(turn_.t, place))
    await play(turn_, recording, caption, keyboard)


def _place(turn_: Turn, card_id: str) -> CardPlace:
    place = turn_.services.course.place(turn_.language, card_id)
    if place is None:
        raise StaleButton(card_id)
    return place


def _trainer(turn_: Turn, data: str) -> None:
    if not turn_.is_trainer:
        raise StaleButton(data)


async def on_record(turn_: Turn) -> None:
    """🎙 Record this card: choose the language when spoken-only ones are declared."""
    card_id = picked(turn_, RecordCard).card_id
    if not await require_ready(turn_):
        return
    _trainer(turn_, card_id)
    place = _place(turn_, card_id)
    languages = recordings.languages_to_record(turn_.services.course, turn_.language)
    if len(languages) == 1:
        await _ask_for_audio(turn_, place, languages[0][0])
        return
    await show(
        turn_,
        views.render_choose_language(turn_.t, place.lesson.title),
        languages_keyboard(turn_.t, card_id, languages),
        edit=False,
    )


async def on_record_in(turn_: Turn) -> None:
    """The language is chosen: wait for the recording."""
    action = picked(turn_, RecordIn)
    if not await require_ready(turn_):
        return
    _trainer(turn_, action.card_id)
    if not recordings.valid_language(turn_.services.course, action.language):
        raise StaleButton(action.language)
    await _ask_for_audio(turn_, _place(turn_, action.card_id), action.language)


async def _ask_for_audio(turn_: Turn, place: CardPlace, language: str) -> None:
    services = turn_.services
    wait(turn_, CardRecording(services.clock(), card=place.card.id, language=language))
    name = recordings.language_name(services.course, language)
    minutes = max(1, services.settings.audio_max_seconds // 60)
    await show(
        turn_,
        views.render_send_recording(turn_.t, place.lesson.title, name, minutes),
        waiting_keyboard(turn_.t, place.card.id),
        edit=False,
    )


async def take_recording(turn_: Turn) -> bool:
    """The awaited voice note or audio file: keep it as a draft and play it back."""
    step = waiting_for(turn_, CardRecording)
    if step is None or not turn_.is_trainer:
        return False
    t = turn_.t
    event = turn_.event
    if not isinstance(event, Media) or event.kind not in ("voice", "audio", "document"):
        await _refuse(turn_, views.render_waiting_for_audio(t), step)
        return True
    services = turn_.services
    settings = services.settings
    limits = Limits(settings.audio_max_mb * 1024 * 1024, settings.audio_max_seconds)
    too_large = t.gettext(AudioTooLarge.msgid).format(mb=settings.audio_max_mb)
    try:
        data = await turn_.reply.fetch(event.file_id, limit=limits.max_bytes)
        draft = await recordings.receive_draft(
            turn_.uow,
            services.audio,
            target=Target("card", step.card, step.language),
            recorder_id=turn_.user.id,
            recorder_name=turn_.person.name or turn_.person.first_name,
            data=data,
            limits=limits,
            now=services.clock(),
        )
    except (FetchTooLarge, AudioTooLarge):
        await _refuse(turn_, too_large, step)
        return True
    except AudioTooLong:
        minutes = max(1, settings.audio_max_seconds // 60)
        await _refuse(turn_, views.render_too_long(t, minutes), step)
        return True
    except FetchFailed as err:
        log.warning("could not receive a recording: %s", err)
        await _refuse(turn_, views.render_not_received(t), step)
        return True
    except NotAudio:
        await _refuse(turn_, t.gettext(NotAudio.msgid), step)
        return True
    await play(
        turn_,
        draft,
        views.render_listen_back(t, draft),
        draft_keyboard(t, step.card, draft.id),
    )
    return True


async def _refuse(turn_: Turn, text: str, step: CardRecording) -> None:
    """Say why; the bot keeps waiting for the recording."""
    await show(turn_, text, waiting_keyboard(turn_.t, step.card), edit=False)


async def play(
    turn_: Turn, recording: RecordingRecord, caption: str, keyboard: Keyboard | None = None
) -> None:
    """Send a recording by the channel's kept id, and keep the id the channel gives at an
    upload. Where there is no id yet, one turn uploads while the others pressing Listen at
    the same moment wait for it (in this process), then send by the id it kept."""
    services = turn_.services
    platform = turn_.person.platform
    file = recordings.stored_file(services.audio, recording, platform)
    if file.known is not None:
        ref = await turn_.reply.send_stored(file, caption, keyboard)
        await recordings.remember(turn_.uow, recording.id, platform, ref)
        return
    async with services.upload_lock(recording.id, platform):
        recording = await turn_.uow.recordings.get(recording.id) or recording
        file = recordings.stored_file(services.audio, recording, platform)
        ref = await turn_.reply.send_stored(file, caption, keyboard)
        await recordings.remember(turn_.uow, recording.id, platform, ref)


async def on_submit(turn_: Turn) -> None:
    """Submit the draft for review."""
    recording_id = picked(turn_, DraftSubmit).recording
    draft = await recordings.submit(turn_.uow, turn_.user.id, recording_id)
    wait(turn_, None)
    await _tell_admins(turn_, draft)
    await show(
        turn_,
        views.render_submitted(turn_.t),
        back_to_card_keyboard(turn_.t, draft.target_id),
        edit=False,
    )


async def on_again(turn_: Turn) -> None:
    """Record again: the draft goes; the bot waits for a new recording."""
    recording_id = picked(turn_, DraftAgain).recording
    draft = await recordings.own_draft(turn_.uow, turn_.user.id, recording_id)
    await recordings.discard(turn_.uow, turn_.services.audio, turn_.user.id, recording_id)
    await _ask_for_audio(turn_, _place(turn_, draft.target_id), draft.language)


async def on_cancel(turn_: Turn) -> None:
    """Cancel recording: nothing is kept."""
    action = picked(turn_, DraftCancel)
    if action.recording:
        await recordings.discard(turn_.uow, turn_.services.audio, turn_.user.id, action.recording)
    wait(turn_, None)
    await show(
        turn_,
        views.render_cancelled(turn_.t),
        back_to_card_keyboard(turn_.t, action.card_id),
        edit=False,
    )


# --- admins: review ---------------------------------------------------------------------


def _title(turn_: Turn, recording: RecordingRecord) -> str:
    place = turn_.services.course.place(turn_.language, recording.target_id)
    return place.lesson.title if place is not None else recording.target_id


async def _review_list(turn_: Turn, *, edit: bool) -> None:
    course = turn_.services.course
    waiting = await turn_.uow.recordings.pending()
    count = await turn_.uow.recordings.count_pending()
    items = [
        (r.id, views.review_label(_title(turn_, r), recordings.language_name(course, r.language)))
        for r in waiting
    ]
    await show(
        turn_,
        views.render_review_list(turn_.t, count),
        review_list_keyboard(turn_.t, items),
        edit=edit,
    )


async def cmd_recordings(turn_: Turn) -> None:
    """Admins: recordings waiting for review (an unknown command to everyone else)."""
    if not turn_.is_admin:
        await unknown_command(turn_)
        return
    await _review_list(turn_, edit=False)


async def on_review_list(turn_: Turn) -> None:
    """Back to the recordings waiting for review."""
    picked(turn_, ReviewList)
    if not turn_.is_admin:
        raise StaleButton(ReviewList.PREFIX)
    wait(turn_, None)
    await _review_list(turn_, edit=True)


def _admin(turn_: Turn, data: str) -> None:
    if not turn_.is_admin:
        raise StaleButton(data)


async def on_review_open(turn_: Turn) -> None:
    """Listen to one submission: who recorded it, when, how long; Approve or Reject."""
    recording_id = picked(turn_, ReviewOpen).recording
    _admin(turn_, str(recording_id))
    found = await recordings.pending(turn_.uow, recording_id)
    name = recordings.language_name(turn_.services.course, found.language)
    caption = views.render_review(turn_.t, found, _title(turn_, found), name, turn_.language)
    await play(turn_, found, caption, review_keyboard(turn_.t, found.id))


async def on_approve(turn_: Turn) -> None:
    """Approve: learners hear it from now on; the recorder is told."""
    recording_id = picked(turn_, ReviewApprove).recording
    _admin(turn_, str(recording_id))
    services = turn_.services
    found = await recordings.approve(
        turn_.uow, services.audio, recording_id, services.clock(), services.recorded
    )
    await _tell_recorder(turn_, found, None)
    await show(turn_, views.render_approved(turn_.t), back_to_list_keyboard(turn_.t), edit=False)


async def on_reject(turn_: Turn) -> None:
    """Reject: ask for the reason the recorder will read."""
    recording_id = picked(turn_, ReviewReject).recording
    _admin(turn_, str(recording_id))
    await recordings.pending(turn_.uow, recording_id)
    wait(turn_, RejectReason(turn_.services.clock(), recording=recording_id))
    await show(turn_, views.render_ask_reason(turn_.t), back_to_list_keyboard(turn_.t), edit=False)


async def take_reason(turn_: Turn) -> bool:
    """The typed reason for a rejection."""
    step = waiting_for(turn_, RejectReason)
    if step is None or not turn_.is_admin:
        return False
    event = turn_.event
    if not isinstance(event, Typed):
        await show(turn_, views.render_ask_reason(turn_.t), back_to_list_keyboard(turn_.t))
        return True
    services = turn_.services
    try:
        found = await recordings.reject(
            turn_.uow, services.audio, step.recording, event.text, services.clock()
        )
    except BadReason:
        await show(turn_, turn_.t.gettext(BadReason.msgid), back_to_list_keyboard(turn_.t))
        return True
    wait(turn_, None)
    await _tell_recorder(turn_, found, " ".join(event.text.split()))
    await show(turn_, views.render_rejected(turn_.t), back_to_list_keyboard(turn_.t), edit=False)
    return True


async def _tell_recorder(turn_: Turn, found: RecordingRecord, reason: str | None) -> None:
    """Tell the recorder (on their own channel, in their language) what became of it."""
    if found.recorder_id is None:
        return

    def told(t: Translator, title: str, language: str) -> tuple[str, Keyboard]:
        if reason is None:
            text = views.render_told_approved(t, title, language)
        else:
            text = views.render_told_rejected(t, title, language, reason)
        return text, back_to_card_keyboard(t, found.target_id)

    await _tell(turn_, found, [found.recorder_id], told)


async def _tell_admins(turn_: Turn, found: RecordingRecord) -> None:
    """A submission waits: every admin but the one who sent it hears of it, with a button
    to listen."""
    admins = [a for a in await turn_.uow.users.with_role("admin") if a != turn_.user.id]
    who = found.recorder_name or ""

    def told(t: Translator, title: str, language: str) -> tuple[str, Keyboard]:
        return views.render_new_submission(t, title, language, who), listen_keyboard(t, found.id)

    await _tell(turn_, found, admins, told)


async def _tell(
    turn_: Turn,
    found: RecordingRecord,
    user_ids: list[int],
    told: Callable[[Translator, str, str], tuple[str, Keyboard]],
) -> None:
    """A message about a recording to each person, on their channel and in their language
    (on WhatsApp only within their 24 hours: no template is set for it)."""
    services = turn_.services
    where = await reach.where(turn_.uow, services.channels, user_ids)
    for user_id, target in where.items():
        person = await turn_.uow.users.get(user_id)
        if person is None:
            continue
        language = person.language or services.settings.default_language
        t = services.i18n.translator(language)
        place = services.course.place(language, found.target_id)
        title = place.lesson.title if place is not None else found.target_id
        text, keyboard = told(t, title, recordings.language_name(services.course, found.language))
        sent = await target.channel.send(
            target.address,
            text,
            keyboard,
            unprompted=Unprompted(None, language, target.last_wrote),
        )
        log.info("told of a recording: %s", sent.result.value)


# --- learners: listen -------------------------------------------------------------------


async def on_listen(turn_: Turn) -> None:
    """🔊 Listen: the card's approved recording in the listening language."""
    card_id = picked(turn_, Listen).card_id
    if not await require_ready(turn_):
        return
    place = _place(turn_, card_id)
    target = Target("card", card_id, listening_language(turn_))
    found = await recordings.approved_for(turn_.uow, target)
    if found is None:
        raise StaleButton(card_id)
    await play(turn_, found, views.render_listen_caption(place.lesson.title))


async def _listening(turn_: Turn) -> None:
    course = turn_.services.course
    options = recordings.languages_to_hear(course, turn_.language)
    hearing = listening_language(turn_)
    await show(
        turn_,
        views.render_listening(
            turn_.t,
            recordings.language_name(course, turn_.language),
            recordings.language_name(course, hearing),
            turn_.user.audio_first,
        ),
        listening_keyboard(turn_.t, options, hearing, turn_.user.audio_first),
    )


async def on_listen_settings(turn_: Turn) -> None:
    """Settings → Listening: the language cards are heard in, and audio first."""
    picked(turn_, ListenSettings)
    if await require_ready(turn_):
        await _listening(turn_)


async def on_set_listen(turn_: Turn) -> None:
    """Hear cards in another language (a spoken-only one), or in the one read."""
    code = picked(turn_, SetListen).language
    if not await require_ready(turn_):
        return
    if code != "same" and not recordings.valid_language(turn_.services.course, code):
        raise StaleButton(code)
    language = None if code == "same" else code
    turn_ = await _set_listening(turn_, language, turn_.user.audio_first)
    await _listening(turn_)


async def on_set_audio_first(turn_: Turn) -> None:
    """Audio first on or off."""
    on = picked(turn_, SetAudioFirst).on
    if not await require_ready(turn_):
        return
    turn_ = await _set_listening(turn_, turn_.user.listen_language, on)
    await _listening(turn_)


async def _set_listening(turn_: Turn, language: str | None, audio_first: bool) -> Turn:
    await turn_.uow.users.set_listening(turn_.user.id, language=language, audio_first=audio_first)
    await turn_.uow.commit()
    user = dataclasses.replace(turn_.user, listen_language=language, audio_first=audio_first)
    return dataclasses.replace(turn_, user=user)


def routes(router: Router) -> None:
    router.command("recordings", cmd_recordings)
    router.action(RecordCard, on_record)
    router.action(RecordIn, on_record_in)
    router.action(DraftSubmit, on_submit)
    router.action(DraftAgain, on_again)
    router.action(DraftCancel, on_cancel)
    router.action(ReviewList, on_review_list)
    router.action(ReviewOpen, on_review_open)
    router.action(ReviewApprove, on_approve)
    router.action(ReviewReject, on_reject)
    router.action(Listen, on_listen)
    router.action(ListenSettings, on_listen_settings)
    router.action(SetListen, on_set_listen)
    router.action(SetAudioFirst, on_set_audio_first)
