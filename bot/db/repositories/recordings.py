"""Recordings' metadata: drafts, submissions, reviews and the channels' cached ids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Recording

Status = Literal["draft", "pending", "approved", "rejected"]
TargetKind = Literal["card", "question"]


@dataclass(frozen=True, slots=True)
class RecordingRecord:
    id: int
    target_kind: str
    target_id: str
    language: str
    recorder_id: int | None
    recorder_name: str | None
    created_at: datetime
    status: str
    reason: str | None
    format: str
    size: int
    duration_ms: int | None
    sha256: str
    telegram_file_id: str | None
    whatsapp_media_id: str | None
    whatsapp_uploaded_at: datetime | None
    from_content: bool = False

    @property
    def key(self) -> str:
        """The file's name in the audio store."""
        return f"{self.sha256}.{self.format}"


def _record(row: Recording) -> RecordingRecord:
    return RecordingRecord(
        id=row.id,
        target_kind=row.target_kind,
        target_id=row.target_id,
        language=row.language,
        recorder_id=row.recorder_id,
        recorder_name=row.recorder_name,
        created_at=row.created_at,
        status=row.status,
        reason=row.reason,
        format=row.format,
        size=row.size,
        duration_ms=row.duration_ms,
        sha256=row.sha256,
        telegram_file_id=row.telegram_file_id,
        whatsapp_media_id=row.whatsapp_media_id,
        whatsapp_uploaded_at=row.whatsapp_uploaded_at,
        from_content=bool(row.from_content),
    )


@dataclass(frozen=True, slots=True)
class NewRecording:
    target_kind: TargetKind
    target_id: str
    language: str
    recorder_id: int | None
    recorder_name: str | None
    format: str
    size: int
    duration_ms: int | None
    sha256: str


class RecordingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_draft(self, new: NewRecording, now: datetime) -> int:
        return await self._add(new, now, "draft")

    async def add_from_content(self, new: NewRecording, now: datetime) -> int:
        """A recording shipped in content/audio: approved as it is, nobody's."""
        return await self._add(new, now, "approved", from_content=True)

    async def _add(
        self, new: NewRecording, now: datetime, status: Status, *, from_content: bool = False
    ) -> int:
        row = Recording(
            target_kind=new.target_kind,
            target_id=new.target_id,
            language=new.language,
            recorder_id=new.recorder_id,
            recorder_name=new.recorder_name,
            created_at=now,
            status=status,
            from_content=from_content,
            format=new.format,
            size=new.size,
            duration_ms=new.duration_ms,
            sha256=new.sha256,
        )
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def get(self, recording_id: int) -> RecordingRecord | None:
        """The row as committed now (another turn may have stored a channel's id since this
        session first read it)."""
        row = await self._session.scalar(
            select(Recording)
            .where(Recording.id == recording_id)
            .execution_options(populate_existing=True)
        )
        return _record(row) if row is not None else None

    async def set_status(
        self,
        recording_id: int,
        status: Status,
        *,
        was: Status,
        now: datetime | None = None,
        reason: str | None = None,
    ) -> bool:
        """Move a recording on, only from the status it is expected in (a second press of
        Submit or Approve, or two admins at once, change nothing the second time)."""
        result = await self._session.execute(
            update(Recording)
            .where(Recording.id == recording_id, Recording.status == was)
            .values(status=status, reviewed_at=now, reason=reason)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    async def approved(
        self, kind: TargetKind, target_id: str, language: str
    ) -> RecordingRecord | None:
        row = await self._session.scalar(
            select(Recording).where(
                Recording.target_kind == kind,
                Recording.target_id == target_id,
                Recording.language == language,
                Recording.status == "approved",
            )
        )
        return _record(row) if row is not None else None

    async def approved_targets(self) -> set[tuple[str, str, str]]:
        """(kind, target id, language) of every approved recording."""
        rows = await self._session.execute(
            select(Recording.target_kind, Recording.target_id, Recording.language).where(
                Recording.status == "approved"
            )
        )
        return {(kind, target, language) for kind, target, language in rows}

    async def pending(self, limit: int = 20) -> list[RecordingRecord]:
        """Submissions waiting for review, oldest first."""
        rows = await self._session.scalars(
            select(Recording)
            .where(Recording.status == "pending")
            .order_by(Recording.created_at, Recording.id)
            .limit(limit)
        )
        return [_record(row) for row in rows]

    async def count_pending(self) -> int:
        return int(
            await self._session.scalar(
                select(func.count()).select_from(Recording).where(Recording.status == "pending")
            )
            or 0
        )

    async def delete(self, recording_ids: list[int]) -> None:
        if recording_ids:
            await self._session.execute(delete(Recording).where(Recording.id.in_(recording_ids)))

    async def drafts_of(self, user_id: int) -> list[RecordingRecord]:
        rows = await self._session.scalars(
            select(Recording).where(Recording.recorder_id == user_id, Recording.status == "draft")
        )
        return [_record(row) for row in rows]

    async def of_recorder(self, user_id: int) -> list[RecordingRecord]:
        rows = await self._session.scalars(
            select(Recording).where(Recording.recorder_id == user_id).order_by(Recording.id)
        )
        return [_record(row) for row in rows]

    async def anonymise(self, recording_ids: list[int]) -> None:
        if recording_ids:
            await self._session.execute(
                update(Recording)
                .where(Recording.id.in_(recording_ids))
                .values(recorder_id=None, recorder_name=None)
                .execution_options(synchronize_session=False)
            )

    async def uses_file(self, sha256: str) -> bool:
        """Whether any recording still names these bytes (the store keeps one file each)."""
        found = await self._session.scalar(
            select(Recording.id).where(Recording.sha256 == sha256).limit(1)
        )
        return found is not None

    async def remember_telegram(self, recording_id: int, file_id: str) -> None:
        await self._session.execute(
            update(Recording)
            .where(Recording.id == recording_id)
            .values(telegram_file_id=file_id)
            .execution_options(synchronize_session=False)
        )

    async def remember_whatsapp(self, recording_id: int, media_id: str, at: datetime) -> None:
        await self._session.execute(
            update(Recording)
            .where(Recording.id == recording_id)
            .values(whatsapp_media_id=media_id, whatsapp_uploaded_at=at)
            .execution_options(synchronize_session=False)
        )
