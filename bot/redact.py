"""What logs and admin alerts may say about people and errors: opaque references, never
what someone wrote, their name or their Telegram id.

A log line is kept, copied and shown to more people than the database is, and carries the
time to the second: "update from user 123 failed" beside an exception whose message holds
the answer's words (a database error lists its statement's parameters; a driver may quote
the row) would say who wrote an anonymous answer, and what. So at INFO and above:

- a person is named by `user_ref`: a keyed digest of their id with a key drawn at each
  start of the process, the same for one person within a process (to follow one person's
  trouble through a log) and unlinkable to their id or across restarts;
- an error is named by its kind and where it happened (`error_summary`, and
  `redacted_traceback`: the frames, the exception types, never their messages).

Full messages go to DEBUG only (see README: DEBUG logs may hold what people wrote).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import traceback
from pathlib import Path

# Drawn once per process and never written anywhere: without it a reference cannot be
# turned back into an id (Telegram ids are few enough to try them all against a hash).
_PROCESS_KEY = secrets.token_bytes(16)
_OWN_CODE = ("bot", "handlers")


def user_ref(user_id: int | str | None) -> str:
    """An opaque, per-process reference to a person, e.g. `u-3fa29c1d`."""
    if user_id is None:
        return "u-none"
    digest = hmac.new(_PROCESS_KEY, str(user_id).encode(), hashlib.sha256).hexdigest()
    return "u-" + digest[:8]


def incident_ref() -> str:
    """A random reference tying an admin alert to its log line."""
    return "e-" + secrets.token_hex(4)


def _chain(error: BaseException) -> list[BaseException]:
    """The error and its causes, outermost last, as Python prints them."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        cause = current.__cause__
        current = (
            cause
            if cause is not None
            else (None if current.__suppress_context__ else current.__context__)
        )
    return chain[::-1]


def _kind(error: BaseException) -> str:
    kind = type(error)
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
    state = getattr(error, "sqlstate", None)  # PostgreSQL's error code: no data in it
    return f"{name} (SQLSTATE {state})" if isinstance(state, str) else name


def error_summary(error: BaseException | None) -> str:
    """`OperationalError at handlers/consultations.py:270 in take_message`: the kind and the
    deepest frame of the bot's own code."""
    if error is None:
        return "no error"
    where = ""
    for exc in _chain(error):
        for frame in traceback.extract_tb(exc.__traceback__):
            parts = Path(frame.filename).parts
            own = [i for i, part in enumerate(parts) if part in _OWN_CODE]
            if own:
                path = "/".join(parts[own[-1] :])
                where = f" at {path}:{frame.lineno} in {frame.name}"
    return type(error).__name__ + where


def redacted_traceback(error: BaseException | None) -> str:
    """The traceback without any exception's message: frames (file, line, function, the
    line of code) and exception types, which say where it broke and nothing of the data."""
    if error is None:
        return ""
    parts = []
    for exc in _chain(error):
        frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
        parts.append("Traceback (most recent call last):\n" + frames + _kind(exc) + "\n")
    return "\nwhich led to:\n\n".join(parts)
