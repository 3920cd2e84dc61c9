"""Callback-data schema: every button's data is packed and parsed here, nowhere else.

Data is `prefix:value`; values are slugs or fixed words (time zone names for `rz`), so the
separator never appears inside them, and packing checks Telegram's 64-byte limit. Anything
that does not parse is treated as a stale or forged button.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Self

MAX_BYTES = 64
_VALUE_RE = re.compile(r"^[a-z0-9-]{1,58}$")


class CallbackDataError(ValueError):
    """The data cannot be packed (too long or a bad value)."""


@dataclass(frozen=True, slots=True)
class CallbackData:
    """One field of data after a fixed prefix."""

    PREFIX: ClassVar[str]
    VALUE_RE: ClassVar[re.Pattern[str]] = _VALUE_RE
    value: str

    def pack(self) -> str:
        if not self.VALUE_RE.match(self.value):
            raise CallbackDataError(f"bad callback value {self.value!r}")
        data = f"{self.PREFIX}:{self.value}"
        if len(data.encode("utf-8")) > MAX_BYTES:
            raise CallbackDataError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        if not isinstance(data, str) or not data.startswith(cls.PREFIX + ":"):
            return None
        value = data[len(cls.PREFIX) + 1 :]
        return cls(value) if cls.VALUE_RE.match(value) else None

    @classmethod
    def matches(cls, data: object) -> bool:
        """Pattern for CallbackQueryHandler: only the prefix, so bad values reach the handler."""
        return isinstance(data, str) and data.startswith(cls.PREFIX + ":")


class PickLanguage(CallbackData):
    PREFIX = "lang"


class Consent(CallbackData):
    PREFIX = "ok"


class ClosedCallbackData(CallbackData):
    """Callback data whose value is one of a fixed set of words."""

    VALUES: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        parsed = super().unpack(data)
        return parsed if parsed and parsed.value in cls.VALUES else None


class Menu(ClosedCallbackData):
    """Menu entries: main, continue, modules, progress, help, settings, language, privacy,
    reminders, quizzes, consult ("Have your say"), trainer (the Trainer menu) and cohorts
    (a learner's own cohorts)."""

    PREFIX = "m"
    VALUES: ClassVar[frozenset[str]] = frozenset(
        {
            "main",
            "continue",
            "modules",
            "progress",
            "glossary",
            "help",
            "settings",
            "language",
            "privacy",
            "reminders",
            "quizzes",
            "consult",
            "trainer",
            "cohorts",
            "faq",
        }
    )

    @classmethod
    def only(cls, item: str) -> Callable[[object], bool]:
        """Pattern matching one menu entry, for a CallbackQueryHandler."""
        return lambda data: cls.unpack(data) == cls(item)


class OpenModule(CallbackData):
    PREFIX = "mod"


class ShowCard(CallbackData):
    PREFIX = "c"


class FinishModule(CallbackData):
    PREFIX = "fin"


class DeleteData(ClosedCallbackData):
    """`ask` opens the confirmation, `yes` deletes, `no` keeps everything."""

    PREFIX = "del"
    VALUES: ClassVar[frozenset[str]] = frozenset({"ask", "yes", "no"})


class GlossaryPage(CallbackData):
    """A page of the A-Z glossary, by number."""

    PREFIX = "g"


class GlossaryEntry(CallbackData):
    """One glossary term, by id."""

    PREFIX = "gt"


class Reminders(ClosedCallbackData):
    """Reminder actions: the onboarding answers (`evening`, `choose`, `no`), on / off,
    `stop` under a reminder, and the settings screens (`days`, `time`, `hours`, `zone`,
    `city`)."""

    PREFIX = "r"
    VALUES: ClassVar[frozenset[str]] = frozenset(
        {
            "evening",
            "choose",
            "no",
            "on",
            "off",
            "stop",
            "days",
            "time",
            "hours",
            "zone",
            "city",
        }
    )


class ReminderDays(ClosedCallbackData):
    """`all`, `weekdays`, or one weekday to add or remove (0 = Monday)."""

    PREFIX = "rd"
    VALUES: ClassVar[frozenset[str]] = frozenset({"all", "weekdays", *map(str, range(7))})


class ReminderHour(ClosedCallbackData):
    """A local hour outside the quiet hours (07 to 20)."""

    PREFIX = "rh"
    VALUES: ClassVar[frozenset[str]] = frozenset(map(str, range(7, 21)))


class ReminderCountry(ClosedCallbackData):
    """One of our learners' countries, to list its time zones."""

    PREFIX = "rc"
    VALUES: ClassVar[frozenset[str]] = frozenset({"gn", "in", "br", "au"})


class ReminderZone(CallbackData):
    """An IANA time zone name, checked against the system's zones by the handler."""

    PREFIX = "rz"
    VALUE_RE: ClassVar[re.Pattern[str]] = re.compile(
        r"^[A-Z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$"
    )


class QuizStart(CallbackData):
    """Take a module's quiz (by module id): resumes a quiz under way at that module."""

    PREFIX = "qs"


class QuizRetry(CallbackData):
    """A new draw of a module's quiz (by module id)."""

    PREFIX = "qr"


class CertificateAction(ClosedCallbackData):
    """`get` sends the certificate (asking for the name the first time), `name` asks for
    the name again, `yes` confirms the typed name and issues the certificate."""

    PREFIX = "qc"
    VALUES: ClassVar[frozenset[str]] = frozenset({"get", "name", "yes"})


# --- Consultations (issue 8): every prefix starts with "k" ---


class NumberedCallbackData(CallbackData):
    """Values made of whole numbers joined by "-" (ids, indexes), with a fixed count."""

    PARTS: ClassVar[int] = 1

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        parsed = super().unpack(data)
        if parsed is None:
            return None
        parts = parsed.value.split("-")
        ok = len(parts) == cls.PARTS and all(p.isdigit() and len(p) <= 12 for p in parts)
        return parsed if ok else None

    @classmethod
    def of(cls, *numbers: int) -> Self:
        return cls("-".join(str(n) for n in numbers))

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.value.split("-"))


class KOpen(NumberedCallbackData):
    """Open a consultation (its number)."""

    PREFIX = "ko"


class KDraft(NumberedCallbackData):
    """Send a consultation's draft document."""

    PREFIX = "kd"


class KSection(NumberedCallbackData):
    """Read one section: consultation number, section index."""

    PREFIX = "ks"
    PARTS = 2


class KStance(CallbackData):
    """Pick a stance for a section: `<consultation>-<section>-<a|c|s>`."""

    PREFIX = "ka"
    VALUE_RE: ClassVar[re.Pattern[str]] = re.compile(r"^[0-9]{1,12}-[0-9]{1,3}-[acs]$")


class KIdentity(CallbackData):
    """Anonymous or named: `<consultation>-<section>-<a|c|s>-<a|n>`."""

    PREFIX = "ki"
    VALUE_RE: ClassVar[re.Pattern[str]] = re.compile(r"^[0-9]{1,12}-[0-9]{1,3}-[acs]-[an]$")


class KMine(ClosedCallbackData):
    """List the user's named answers."""

    PREFIX = "km"
    VALUES: ClassVar[frozenset[str]] = frozenset({"list"})


class KAnswer(NumberedCallbackData):
    """One of the user's named answers: consultation number, reference number."""

    PREFIX = "kv"
    PARTS = 2


class KEdit(NumberedCallbackData):
    PREFIX = "ke"
    PARTS = 2


class KWithdraw(NumberedCallbackData):
    """Ask to withdraw a named answer."""

    PREFIX = "kw"
    PARTS = 2


class KWithdrawYes(NumberedCallbackData):
    """Withdraw it (after the question)."""

    PREFIX = "ky"
    PARTS = 2


class KFollow(NumberedCallbackData):
    """Hear the thank-you and what changed, for one consultation."""

    PREFIX = "kf"


class KNotify(ClosedCallbackData):
    """Tell me about consultations: on or off."""

    PREFIX = "kn"
    VALUES: ClassVar[frozenset[str]] = frozenset({"on", "off"})


class KCancel(ClosedCallbackData):
    """Drop the answer being written."""

    PREFIX = "kz"
    VALUES: ClassVar[frozenset[str]] = frozenset({"x"})


class KAdminList(ClosedCallbackData):
    """Admins: the list of consultations and files."""

    PREFIX = "kl"
    VALUES: ClassVar[frozenset[str]] = frozenset({"list"})


class KPublish(CallbackData):
    """Admins: publish a consultation file (its id)."""

    PREFIX = "kp"


class KAdminView(NumberedCallbackData):
    """Admins: counts and exports of one consultation."""

    PREFIX = "kc"


class KExport(CallbackData):
    """Admins: `<consultation>-csv`, `-xlsx` or `-zip`."""

    PREFIX = "kx"
    VALUE_RE: ClassVar[re.Pattern[str]] = re.compile(r"^[0-9]{1,12}-(csv|xlsx|zip)$")


class KOutcome(NumberedCallbackData):
    """Admins: write what changed, for one closed consultation."""

    PREFIX = "kq"


# --- FAQ and questions to a person (issue 5) ---


class FaqAnswer(CallbackData):
    """One FAQ entry, by id."""

    PREFIX = "a"


class FaqGroupPage(CallbackData):
    """A page of one group of topics: `<group id>-<page number>`."""

    PREFIX = "ag"
    VALUE_RE: ClassVar[re.Pattern[str]] = re.compile(r"^[a-z0-9-]{1,50}-[0-9]{1,3}$")

    @property
    def group(self) -> str:
        return self.value.rsplit("-", 1)[0]

    @property
    def page(self) -> int:
        return int(self.value.rsplit("-", 1)[1])


class FaqRate(CallbackData):
    """Was this answer helpful: `<entry id>-up` or `<entry id>-down`."""

    PREFIX = "ar"
    VALUE_RE: ClassVar[re.Pattern[str]] = re.compile(r"^[a-z0-9-]{1,52}-(up|down)$")

    @property
    def entry_id(self) -> str:
        return self.value.rsplit("-", 1)[0]

    @property
    def helpful(self) -> bool:
        return self.value.endswith("-up")


class FaqAsk(ClosedCallbackData):
    """Ask a person: `send` the question the FAQ could not answer, or `type` a new one."""

    PREFIX = "ap"
    VALUES: ClassVar[frozenset[str]] = frozenset({"send", "type"})


class FaqReply(CallbackData):
    """An admin or trainer replies to a queued question, by its number."""

    PREFIX = "aq"
    VALUE_RE: ClassVar[re.Pattern[str]] = re.compile(r"^[0-9]{1,18}$")


class FaqAnswerBack(CallbackData):
    """The learner answers a person's reply to their question, by its number."""

    PREFIX = "ab"
    VALUE_RE: ClassVar[re.Pattern[str]] = re.compile(r"^[0-9]{1,18}$")


class ComplaintGuide(ClosedCallbackData):
    """The "Preparing a complaint" guide: start, skip a step, the anonymity answer (yes/no),
    save or discard the summary, show or delete the saved draft, stop."""

    PREFIX = "ac"
    VALUES: ClassVar[frozenset[str]] = frozenset(
        {"start", "skip", "yes", "no", "save", "discard", "draft", "delete", "stop"}
    )
