"""Domain errors. Each carries the msgid of what the user is told; mapped in one place."""

from __future__ import annotations

from bot.i18n import N_


class AppError(Exception):
    """A known situation with a translated answer for the user."""

    msgid = N_("Sorry, that did not work.")

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.msgid)


class StaleButton(AppError):
    """The button refers to something that no longer exists or was never valid."""

    msgid = N_("This button is out of date. Here is the menu.")


class NotReady(AppError):
    """The user has not finished onboarding yet."""

    msgid = N_("Let's set you up first: choose your language.")


class UnknownLanguage(AppError):
    msgid = N_("That language is not available.")
