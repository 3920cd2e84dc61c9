"""Domain errors. Each carries the msgid of what the user is told; mapped in one place."""

from __future__ import annotations

from bot.i18n import N_

# What every channel says when a turn failed for a reason of ours.
APOLOGY = N_("Sorry, something went wrong on our side. Your progress is safe; please try again.")
DB_DOWN = N_("The bot cannot reach its database right now. Please try again in a few minutes.")


class StartupError(Exception):
    """The bot cannot start with these settings; the message names the setting."""


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


# --- Trainers, cohorts, announcements (issue 7) ---


class NotYourCohort(AppError):
    """A cohort id that is not one of this trainer's (another trainer's, or forged)."""

    msgid = N_("That cohort is not one of yours.")


class InvalidInvitation(AppError):
    """A code that was never issued (mistyped or forged)."""

    msgid = N_(
        "This invitation link is not valid. Ask the person who gave it to you for a new one."
    )


class ExpiredInvitation(AppError):
    """A real code that expired, was withdrawn or (for trainers) was already used."""

    msgid = N_("This invitation link is no longer valid. Ask for a new one.")


class BadCohortText(AppError):
    msgid = N_("Please send a short text of 1 to 64 characters.")
