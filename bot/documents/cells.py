"""One guard for every cell the bot exports to a spreadsheet.

A spreadsheet program runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
return before one) as a formula: a learner whose first name is `=HYPERLINK(...)` would run
code in a trainer's spreadsheet. Text from people is data, so such a cell gets a leading
apostrophe, which spreadsheets show as plain text. Numbers are left as they are.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value, made inert if it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_text(value: str) -> str:
    """`safe_cell` for a column that only holds text."""
    return "'" + value if value.startswith(FORMULA_START) else value
