"""Our own copies of questions asked by voice, sealed like consultation answers' files.

A database reader without the key holds no one's voice. Sealing runs in a thread, off the
event loop (a few megabytes take a few tens of milliseconds).
"""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, select

from bot.db.models import FaqVoice
from bot.db.repositories.held import SealedRepository


def _row_id(question_id: int) -> str:
    return f"faq-voice:{question_id}"


class FaqVoiceRepository(SealedRepository):
    async def keep(self, question_id: int, data: bytes) -> None:
        sealed = await asyncio.to_thread(self.sealer.seal_file, _row_id(question_id), data)
        self._session.add(FaqVoice(question_id=question_id, sealed=sealed))
        await self._session.flush()

    async def get(self, question_id: int) -> bytes | None:
        """The recording; None when it is gone (answered, deleted) or this key cannot open it."""
        sealed = await self._session.scalar(
            select(FaqVoice.sealed).where(FaqVoice.question_id == question_id)
        )
        if sealed is None:
            return None
        return await asyncio.to_thread(self.sealer.open_file, _row_id(question_id), sealed)

    async def drop(self, question_id: int) -> None:
        await self._session.execute(delete(FaqVoice).where(FaqVoice.question_id == question_id))
