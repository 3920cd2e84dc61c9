"""Log-safe references and tracebacks: no id, no exception message."""

from __future__ import annotations

from bot.redact import error_summary, incident_ref, redacted_traceback, user_ref

WORDS, NAME = "the words someone typed", "Awa Diallo"


def test_a_user_reference_is_stable_in_a_process_and_hides_the_id() -> None:
    assert user_ref(7301000031) == user_ref(7301000031)
    assert user_ref(7301000031) != user_ref(7301000032)
    assert "7301000031" not in user_ref(7301000031) and user_ref(None) == "u-none"
    assert incident_ref() != incident_ref()


def _fail(words: str, name: str) -> None:
    try:
        raise KeyError(words)
    except KeyError as err:
        raise ValueError(name) from err


def test_a_redacted_traceback_keeps_where_and_what_kind_not_the_message() -> None:
    """The lines of code are shown (they hold no data); the messages are not."""
    try:
        _fail(WORDS, NAME)
    except ValueError as err:
        error = err
    trace = redacted_traceback(error)
    assert "KeyError" in trace and "ValueError" in trace and "in _fail" in trace
    assert "someone typed" not in trace and "Awa" not in trace
    assert error_summary(error) == "ValueError"  # raised in a test, not in bot/ or handlers/
    assert error_summary(None) == "no error" and redacted_traceback(None) == ""
