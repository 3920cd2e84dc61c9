"""Certificates and their verification codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Certificate


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    code: str
    user_id: int | None
    name: str | None
    language: str
    scores: dict[str, tuple[int, int]]
    issued_at: datetime
    revoked_at: datetime | None


def _record(row: Certificate) -> CertificateRecord:
    return CertificateRecord(
        code=row.code,
        user_id=row.user_id,
        name=row.name,
        language=row.language,
        scores={k: (int(v[0]), int(v[1])) for k, v in (row.scores or {}).items()},
        issued_at=row.issued_at,
        revoked_at=row.revoked_at,
    )


class CertificateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        code: str,
        user_id: int,
        name: str,
        language: str,
        scores: dict[str, tuple[int, int]],
        now: datetime,
    ) -> CertificateRecord:
        await self._session.execute(
            insert(Certificate).values(
                code=code,
                user_id=user_id,
                name=name,
                language=language,
                scores={k: list(v) for k, v in scores.items()},
                issued_at=now,
            )
        )
        return CertificateRecord(code, user_id, name, language, scores, now, None)

    async def by_code(self, code: str) -> CertificateRecord | None:
        row = await self._session.scalar(select(Certificate).where(Certificate.code == code))
        return _record(row) if row else None

    async def for_user(self, user_id: int) -> CertificateRecord | None:
        row = await self._session.scalar(select(Certificate).where(Certificate.user_id == user_id))
        return _record(row) if row else None

    async def count(self, user_id: int) -> int:
        value = await self._session.scalar(
            select(func.count()).select_from(Certificate).where(Certificate.user_id == user_id)
        )
        return int(value or 0)

    async def revoke_for(self, user_id: int, now: datetime) -> None:
        """Keep the code so it verifies as revoked; erase everything that says whose it was."""
        await self._session.execute(
            update(Certificate)
            .where(Certificate.user_id == user_id)
            .values(user_id=None, name=None, scores={}, revoked_at=now)
        )
