"""Recorded course audio: a trainer's draft, its submission, an admin's review, and the
approved recording a learner hears.

A draft is stored (file and row) as soon as it arrives, so listening back, submitting or
recording again works after a restart and in any process; a person has at most one draft
(a new one replaces the old). Files are named by digest in the audio store and deleted
once no row names them, always after the rows' transaction committed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.audio_store import AudioStore
from bot.content import Course
from bot.content.audio import ShippedAudio
from bot.content.languages import SHIPPED_NAMES
from bot.conversation.ports import MediaRef, StoredFile
from bot.db.repositories import NewRecording, RecordingRecord
from bot.db.repositories.recordings import TargetKind
from bot.db.uow import UnitOfWork
from bot.documents.audio import AudioRejected, read_audio
from bot.errors import AppError, StaleButton
from bot.i18n import N_

REASON_LIMIT = 300


class NotAudio(AppError):
    msgid = N_(
        "That is not a recording I can use. Please send a voice note, or an MP3 or M4A file."
    )


class AudioTooLarge(AppError):
    msgid = N_("This recording is too big: the limit is {mb} MB. Please send a shorter one.")


class AudioTooLong(AppError):
    """Longer than AUDIO_MAX_SECONDS (the answer names the limit: views.render_too_long)."""


class BadReason(AppError):
    msgid = N_("Please type the reason in 1 to 300 characters.")


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int
    max_seconds: int


@dataclass(frozen=True, slots=True)
class Target:
    """What is recorded: a card (or a quiz question) in a language."""

    kind: TargetKind
    id: str
    language: str


# How soon a recording another instance approved is heard here.
RECORDED_REFRESH = 30.0


@dataclass
class RecordedTargets:
    """What has an approved recording, as this process last read it: a card shown to a
    learner asks the database for its recording only where there is one (asking on every
    card was one statement in three of a lesson tap). Approved recordings are replaced,
    never removed, so the set only grows: this process adds what it approves, and reads
    the set again at most every RECORDED_REFRESH seconds for what another one approved."""

    clock: Callable[[], float] = time.monotonic
    known: set[tuple[str, str, str]] = field(default_factory=set)
    read_at: float | None = None

    def note(self, target: Target) -> None:
        self.known.add((target.kind, target.id, target.language))

    async def may_have(self, uow: UnitOfWork, target: Target) -> bool:
        key = (target.kind, target.id, target.language)
        if key in self.known:
            return True
        now = self.clock()
        if self.read_at is None or now - self.read_at >= RECORDED_REFRESH:
            self.known |= await uow.recordings.approved_targets()
            self.read_at = now
        return key in self.known


def languages_to_record(course: Course, reading: str) -> list[tuple[str, str]]:
    """(code, name) a recorder may speak a card in: the language they read it in, then the
    spoken-only languages."""
    found = [(reading, language_name(course, reading))]
    found += [(spoken.code, spoken.name) for spoken in course.spoken]
    return found


def languages_to_hear(course: Course, reading: str) -> list[tuple[str, str]]:
    """(code, name) a learner may listen in: the one they read, the spoken-only ones, then
    the course's other written languages."""
    found = languages_to_record(course, reading)
    found += [(code, language_name(course, code)) for code in course.languages if code != reading]
    return found


def language_name(course: Course, code: str) -> str:
    spoken = next((s.name for s in course.spoken if s.code == code), None)
    return spoken or course.names.get(code) or SHIPPED_NAMES.get(code, code)


def valid_language(course: Course, code: str) -> bool:
    return (
        code in course.languages
        or any(s.code == code for s in course.spoken)
        or any(a.code == code for a in course.added)
    )


async def receive_draft(
    uow: UnitOfWork,
    store: AudioStore,
    *,
    target: Target,
    recorder_id: int,
    recorder_name: str | None,
    data: bytes,
    limits: Limits,
    now: datetime,
) -> RecordingRecord:
    """Check the bytes, keep the file and a draft row (replacing the recorder's earlier
    draft); NotAudio, AudioTooLarge or AudioTooLong change nothing."""
    if len(data) > limits.max_bytes:
        raise AudioTooLarge(str(len(data)))
    try:
        facts = read_audio(data)
    except AudioRejected as err:
        raise NotAudio(str(err)) from err
    if facts.duration is not None and facts.duration > limits.max_seconds:
        raise AudioTooLong(str(facts.duration))
    await store.put(f"{facts.sha256}.{facts.format}", data)
    old = await uow.recordings.drafts_of(recorder_id)
    await uow.recordings.delete([r.id for r in old])
    new = NewRecording(
        target_kind=target.kind,
        target_id=target.id,
        language=target.language,
        recorder_id=recorder_id,
        recorder_name=(recorder_name or "")[:64] or None,
        format=facts.format,
        size=facts.size,
        duration_ms=round(facts.duration * 1000) if facts.duration is not None else None,
        sha256=facts.sha256,
    )
    recording_id = await uow.recordings.add_draft(new, now)
    await uow.commit()
    await drop_unused(uow, store, old)
    found = await uow.recordings.get(recording_id)
    assert found is not None
    return found


async def own_draft(uow: UnitOfWork, user_id: int, recording_id: int) -> RecordingRecord:
    found = await uow.recordings.get(recording_id)
    if found is None or found.recorder_id != user_id or found.status != "draft":
        raise StaleButton(str(recording_id))
    return found


async def submit(uow: UnitOfWork, user_id: int, recording_id: int) -> RecordingRecord:
    """The draft goes to the admins' review."""
    draft = await own_draft(uow, user_id, recording_id)
    if not await uow.recordings.set_status(draft.id, "pending", was="draft"):
        raise StaleButton(str(recording_id))
    await uow.commit()
    return draft


async def discard(uow: UnitOfWork, store: AudioStore, user_id: int, recording_id: int) -> None:
    """Record again, or Cancel: the draft and (when nothing else names it) its file go."""
    found = await uow.recordings.get(recording_id)
    if found is None or found.recorder_id != user_id or found.status != "draft":
        return  # gone already: nothing to undo
    await uow.recordings.delete([found.id])
    await uow.commit()
    await drop_unused(uow, store, [found])


async def pending(uow: UnitOfWork, recording_id: int) -> RecordingRecord:
    found = await uow.recordings.get(recording_id)
    if found is None or found.status != "pending":
        raise StaleButton(str(recording_id))
    return found


async def approve(
    uow: UnitOfWork,
    store: AudioStore,
    recording_id: int,
    now: datetime,
    recorded: RecordedTargets | None = None,
) -> RecordingRecord:
    """Learners hear this one from now on; the approved one before it (row and file) goes."""
    found = await pending(uow, recording_id)
    previous = await uow.recordings.approved(
        found.target_kind,  # type: ignore[arg-type]
        found.target_id,
        found.language,
    )
    if previous is not None:
        await uow.recordings.delete([previous.id])
    if not await uow.recordings.set_status(found.id, "approved", was="pending", now=now):
        raise StaleButton(str(recording_id))
    await uow.commit()
    if recorded is not None:
        recorded.note(Target(found.target_kind, found.target_id, found.language))  # type: ignore[arg-type]
    if previous is not None:
        await drop_unused(uow, store, [previous])
    return found


async def reject(
    uow: UnitOfWork, store: AudioStore, recording_id: int, reason: str, now: datetime
) -> RecordingRecord:
    """Rejected with the reason the recorder is told; row and file stay (the recorder's
    /privacy lists it) until the recorder's /deleteme."""
    reason = " ".join(reason.split())
    if not 1 <= len(reason) <= REASON_LIMIT:
        raise BadReason()
    found = await pending(uow, recording_id)
    if not await uow.recordings.set_status(
        found.id, "rejected", was="pending", now=now, reason=reason
    ):
        raise StaleButton(str(recording_id))
    await uow.commit()
    return found


async def approved_for(
    uow: UnitOfWork, target: Target, recorded: RecordedTargets | None = None
) -> RecordingRecord | None:
    """The approved recording of `target`, if any (`recorded`: skip the database where
    this process knows there is none)."""
    if recorded is not None and not await recorded.may_have(uow, target):
        return None
    return await uow.recordings.approved(target.kind, target.id, target.language)


def stored_file(store: AudioStore, recording: RecordingRecord, platform: str) -> StoredFile:
    """The recording as a channel sends it: a voice note when it is Ogg/Opus, else an audio
    file, by the channel's id from an earlier upload where there is one."""
    known: MediaRef | None = None
    if platform == "telegram" and recording.telegram_file_id:
        known = MediaRef(recording.telegram_file_id, recording.created_at)
    elif (
        platform == "whatsapp"
        and recording.whatsapp_media_id
        and recording.whatsapp_uploaded_at is not None
    ):
        known = MediaRef(recording.whatsapp_media_id, recording.whatsapp_uploaded_at)

    async def load() -> bytes:
        data = await store.get(recording.key)
        if data is None:
            raise FileNotFoundError("the recording's file is missing from the audio store")
        return data

    voice = recording.format == "ogg"
    mime = {"ogg": "audio/ogg", "mp3": "audio/mpeg", "m4a": "audio/mp4"}[recording.format]
    return StoredFile(
        "voice" if voice else "audio",
        f"recording-{recording.id}.{recording.format}",
        mime,
        load,
        known,
    )


async def remember(
    uow: UnitOfWork, recording_id: int, platform: str, ref: MediaRef | None
) -> None:
    """Keep the id the channel gave at an upload, for the next listener."""
    if ref is None:
        return
    if platform == "telegram":
        await uow.recordings.remember_telegram(recording_id, ref.id)
    elif platform == "whatsapp":
        await uow.recordings.remember_whatsapp(recording_id, ref.id, ref.uploaded_at)
    await uow.commit()


async def forget_recorder(uow: UnitOfWork, user_id: int) -> list[RecordingRecord]:
    """/deleteme (not committed: the caller's transaction is): drafts, pending and rejected
    recordings are deleted; approved ones stay for learners with nothing saying who spoke
    them, until a new one replaces them. Returns the deleted ones, whose files
    `drop_unused` removes after the commit."""
    mine = await uow.recordings.of_recorder(user_id)
    gone = [r for r in mine if r.status != "approved"]
    await uow.recordings.delete([r.id for r in gone])
    await uow.recordings.anonymise([r.id for r in mine if r.status == "approved"])
    return gone


async def drop_unused(
    uow: UnitOfWork, store: AudioStore, recordings: Iterable[RecordingRecord]
) -> None:
    """Delete the files of these (deleted) recordings that no other row names."""
    for recording in recordings:
        if not await uow.recordings.uses_file(recording.sha256):
            await store.delete(recording.key)


async def ship_content_audio(
    uow: UnitOfWork, store: AudioStore, shipped: Iterable[ShippedAudio], now: datetime
) -> int:
    """Make the audio shipped in content/audio the approved recording of its card, unless a
    recording made in the bot is approved for it (that one wins); a shipped file that
    changed replaces its older version. Returns how many were added or replaced."""
    changed = 0
    dropped: list[RecordingRecord] = []
    for item in shipped:
        data = await asyncio.to_thread(item.path.read_bytes)
        facts = read_audio(data)  # checked with the content already
        current = await uow.recordings.approved("card", item.card_id, item.language)
        if current is not None and (not current.from_content or current.sha256 == facts.sha256):
            continue
        await store.put(f"{facts.sha256}.{facts.format}", data)
        if current is not None:
            await uow.recordings.delete([current.id])
            dropped.append(current)
        new = NewRecording(
            target_kind="card",
            target_id=item.card_id,
            language=item.language,
            recorder_id=None,
            recorder_name=None,
            format=facts.format,
            size=facts.size,
            duration_ms=round(facts.duration * 1000) if facts.duration is not None else None,
            sha256=facts.sha256,
        )
        await uow.recordings.add_from_content(new, now)
        changed += 1
    await uow.commit()
    await drop_unused(uow, store, dropped)
    return changed
