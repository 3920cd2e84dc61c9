"""Recordings' life on SQLite and PostgreSQL: one approved per card and language, files
deleted once no row names them, shipped audio against recordings made in the bot."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.audio_store import DirectoryStore
from bot.content.audio import ShippedAudio
from bot.db.repositories import NewRecording
from bot.errors import StaleButton
from bot.services import recordings
from bot.services.recordings import AudioTooLarge, AudioTooLong, Limits, NotAudio, Target
from tests.accounts import arrive_as
from tests.audio_bytes import opus_ogg
from tests.integration.conftest import uow_for

T0 = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
TRAINER = 41
CARD = Target("card", "vc-stages-1", "fr")
LIMITS = Limits(max_bytes=100_000, max_seconds=180)


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


async def _draft(engine: AsyncEngine, store: DirectoryStore, data: bytes) -> int:
    async with uow_for(engine) as uow:
        draft = await recordings.receive_draft(
            uow,
            store,
            target=CARD,
            recorder_id=TRAINER,
            recorder_name="Mariama",
            data=data,
            limits=LIMITS,
            now=T0,
        )
        await recordings.submit(uow, TRAINER, draft.id)
        return draft.id


async def test_approving_replaces_the_approved_one_and_its_file(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    store = DirectoryStore(tmp_path / "store")
    async with uow_for(engine) as uow:
        await arrive_as(uow, TRAINER, T0)
    first, second = opus_ogg(10), opus_ogg(12)
    one = await _draft(engine, store, first)
    two = await _draft(engine, store, second)
    async with uow_for(engine) as uow:
        await recordings.approve(uow, store, one, T0)
        with pytest.raises(StaleButton):  # approved already: a second press changes nothing
            await recordings.approve(uow, store, one, T0)
        await recordings.approve(uow, store, two, T0)
        approved = await recordings.approved_for(uow, CARD)
        assert approved is not None and approved.id == two
        assert await uow.recordings.get(one) is None, "the one before is gone"
    assert _names(tmp_path / "store") == [approved.key]


async def test_a_second_approved_row_is_refused_by_the_database(engine: AsyncEngine) -> None:
    new = NewRecording("card", "vc-stages-1", "fr", None, None, "ogg", 10, 1000, "a" * 64)
    async with uow_for(engine) as uow:
        await uow.recordings.add_from_content(new, T0)
        await uow.commit()
    async with uow_for(engine) as uow:
        with pytest.raises(IntegrityError):
            await uow.recordings.add_from_content(new, T0)


async def test_refused_files_change_nothing(engine: AsyncEngine, tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path / "store")
    async with uow_for(engine) as uow:
        await arrive_as(uow, TRAINER, T0)
    for data, error in (
        (b"MZ" + bytes(300), NotAudio),
        (opus_ogg(181), AudioTooLong),
        (opus_ogg(5) + bytes(LIMITS.max_bytes), AudioTooLarge),
    ):
        async with uow_for(engine) as uow:
            with pytest.raises(error):
                await recordings.receive_draft(
                    uow,
                    store,
                    target=CARD,
                    recorder_id=TRAINER,
                    recorder_name=None,
                    data=data,
                    limits=LIMITS,
                    now=T0,
                )
            assert await uow.recordings.of_recorder(TRAINER) == []
    assert _names(tmp_path / "store") == []


async def test_shipped_audio_gives_way_to_a_recording_made_in_the_bot(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    store = DirectoryStore(tmp_path / "store")
    shipped = tmp_path / "vc-stages-1.ogg"
    shipped.write_bytes(opus_ogg(30))
    files = [ShippedAudio("vc-stages-1", "fr", shipped)]
    async with uow_for(engine) as uow:
        assert await recordings.ship_content_audio(uow, store, files, T0) == 1
        assert await recordings.ship_content_audio(uow, store, files, T0) == 0, "unchanged"
        shipped.write_bytes(opus_ogg(31))
        assert await recordings.ship_content_audio(uow, store, files, T0) == 1, "changed"
        approved = await recordings.approved_for(uow, CARD)
        assert approved is not None and approved.from_content and approved.duration_ms == 31000
        assert _names(tmp_path / "store") == [approved.key]
        await arrive_as(uow, TRAINER, T0)
    made = await _draft(engine, store, opus_ogg(20))
    async with uow_for(engine) as uow:
        await recordings.approve(uow, store, made, T0)
        shipped.write_bytes(opus_ogg(32))
        assert await recordings.ship_content_audio(uow, store, files, T0) == 0
        approved = await recordings.approved_for(uow, CARD)
        assert approved is not None and approved.id == made and not approved.from_content


async def test_a_card_without_a_recording_costs_no_query_and_others_approvals_are_seen(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """This process's approvals at once; another instance's within RECORDED_REFRESH; in
    between, a card with no recording is answered from memory."""
    store = DirectoryStore(tmp_path / "store")
    now = [100.0]
    here = recordings.RecordedTargets(clock=lambda: now[0])
    async with uow_for(engine) as uow:
        await arrive_as(uow, TRAINER, T0)
    one = await _draft(engine, store, opus_ogg(10))
    other = Target("card", "vc-stages-2", "fr")
    async with uow_for(engine) as uow:
        assert await recordings.approved_for(uow, CARD, here) is None
        await recordings.approve(uow, store, one, T0, here)
        found = await recordings.approved_for(uow, CARD, here)
        assert found is not None and found.id == one, "approved here: heard at once"
    # another instance approves a recording of another card
    async with uow_for(engine) as uow:
        draft = await recordings.receive_draft(
            uow,
            store,
            target=other,
            recorder_id=TRAINER,
            recorder_name="Mariama",
            data=opus_ogg(11),
            limits=LIMITS,
            now=T0,
        )
        await recordings.submit(uow, TRAINER, draft.id)
        await recordings.approve(uow, store, draft.id, T0)
    async with uow_for(engine) as uow:
        assert await recordings.approved_for(uow, other, here) is None, "not read yet"
        now[0] += recordings.RECORDED_REFRESH
        found = await recordings.approved_for(uow, other, here)
        assert found is not None and found.id == draft.id, "read again after the refresh"
