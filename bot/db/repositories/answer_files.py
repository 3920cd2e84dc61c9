"""Our own copies of consultation answers' files, sealed, for channels whose file ids lapse.

Files are sealed and opened here (bot.sealing), like the holding area's payloads, so a
database reader without the key holds no one's voice or photo. A written answer's file lies
under the answer's key and goes with it (a foreign key that cascades); an anonymous answer's
file waits under a random id until its batch moves it. Sealing 20 MB takes about half a
second, so it runs in a thread, off the event loop.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, select

from bot.db.models import ConsultationFile, ConsultationHeldFile
from bot.db.repositories.held import SealedRepository
from bot.sealing import new_row_id


def _row_id(consultation_id: int, number: int) -> str:
    return f"answer-file:{consultation_id}:{number}"


class AnswerFileRepository(SealedRepository):
    async def keep(self, consultation_id: int, number: int, data: bytes) -> None:
        """The file of a written answer (replacing any it had)."""
        await self.drop(consultation_id, number)
        sealed = await self._seal(_row_id(consultation_id, number), data)
        self._session.add(
            ConsultationFile(consultation_id=consultation_id, number=number, sealed=sealed)
        )
        await self._session.flush()

    async def get(self, consultation_id: int, number: int) -> bytes | None:
        """The file's bytes; None when there is none or this key cannot open it."""
        sealed = await self._session.scalar(
            select(ConsultationFile.sealed).where(
                ConsultationFile.consultation_id == consultation_id,
                ConsultationFile.number == number,
            )
        )
        if sealed is None:
            return None
        return await self._open(_row_id(consultation_id, number), sealed)

    async def drop(self, consultation_id: int, number: int) -> None:
        await self._session.execute(
            delete(ConsultationFile).where(
                ConsultationFile.consultation_id == consultation_id,
                ConsultationFile.number == number,
            )
        )

    async def hold(self, data: bytes) -> str:
        """Keep an anonymous answer's file until its batch; return its random id."""
        row_id = new_row_id()
        self._session.add(ConsultationHeldFile(id=row_id, sealed=await self._seal(row_id, data)))
        await self._session.flush()
        return row_id

    async def move_held(self, held_id: str, consultation_id: int, number: int) -> bool:
        """Write a held file as its (just written) answer's, sealed anew for its new place,
        and delete the held row; False when it is gone or this key cannot open it (then
        it stays, like a held answer sealed with another key)."""
        sealed = await self._session.scalar(
            select(ConsultationHeldFile.sealed).where(ConsultationHeldFile.id == held_id)
        )
        data = await self._open(held_id, sealed) if sealed is not None else None
        if data is None:
            return False
        await self._session.execute(
            delete(ConsultationHeldFile).where(ConsultationHeldFile.id == held_id)
        )
        await self.keep(consultation_id, number, data)
        return True

    async def _seal(self, row_id: str, data: bytes) -> bytes:
        return await asyncio.to_thread(self.sealer.seal_file, row_id, data)

    async def _open(self, row_id: str, sealed: bytes) -> bytes | None:
        return await asyncio.to_thread(self.sealer.open_file, row_id, sealed)
