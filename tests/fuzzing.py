"""What the fuzz tests of both channels share: odd text, forged button data, what a person
has in the database, and a catcher of error records."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from hypothesis import strategies as st

from bot.db.uow import UnitOfWork

odd_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=300
)
forged = st.one_of(
    st.text(max_size=64),
    st.sampled_from(
        ["m:", "m:nosuch", "ks:1:9999", "ki:1:1:x:n", "aq:99999", "tco:-1", "lang:xx", "more:9"]
    ),
    st.builds(
        lambda p, tail: f"{p}:{tail}",
        st.sampled_from(["m", "ks", "aq", "tco", "qs", "c"]),
        st.text(max_size=40),
    ),
)


class Errors(logging.Handler):
    """Error records, but the stand-ins' own (a webhook they could not deliver)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if ".standin" not in record.name:
            self.records.append(record)


@contextmanager
def no_error_logged() -> Iterator[None]:
    """Fail the test if anything but a stand-in logged an error meanwhile."""
    errors = Errors()
    logging.getLogger().addHandler(errors)
    try:
        yield
    finally:
        logging.getLogger().removeHandler(errors)
    assert [r.getMessage()[:80] for r in errors.records] == []


async def what_they_have(uow: UnitOfWork, user_id: int | None) -> dict[str, Any]:
    """A person's row, progress, quiz attempts, reminders, questions and events."""
    out: dict[str, Any] = {}
    for table, column in (
        ("users", "id"),
        ("card_progress", "user_id"),
        ("quiz_attempts", "user_id"),
        ("reminders", "user_id"),
        ("faq_questions", "user_id"),
        ("events", "user_id"),
    ):
        rows = await uow.session.execute(
            sa.text(f"SELECT * FROM {table} WHERE {column} = :u"), {"u": user_id}
        )
        out[table] = sorted(tuple(str(v) for v in row) for row in rows)
    return out
