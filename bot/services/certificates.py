"""Certificates of completion: who may have one, the name on it, codes, and verification.

A code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn with
`secrets`: 31^12 ≈ 8·10^17 codes, so guessing one is hopeless, more so with the rate limits
on /verify and GET /verify/{code}.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import datetime

from bot.content import Course, Module
from bot.db.repositories import CertificateRecord
from bot.db.uow import UnitOfWork
from bot.errors import AppError
from bot.i18n import N_

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
NAME_MIN, NAME_MAX = 2, 64
# Control, format (zero-width, bidi overrides), private-use, surrogate and unassigned code
# points, and line or paragraph separators: invisible or misleading on a certificate.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
_CODE_RE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


class NameTooShort(AppError):
    msgid = N_("That name is too short. Please type your full name.")


class NameTooLong(AppError):
    msgid = N_("That name is too long. Please use at most 64 characters.")


class NameHasOddCharacters(AppError):
    msgid = N_(
        "That name has characters that cannot be printed on the certificate. "
        "Please type it with plain letters."
    )


class NotEligible(AppError):
    msgid = N_("Pass the quiz of every module first; then you can get your certificate.")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """ABCD-EFGH-JKMN: easier to read aloud and to type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(text: str) -> str | None:
    """A typed code without spaces or dashes, upper case; None if it cannot be a code."""
    code = re.sub(r"[\s\-]", "", text).upper()
    return code if _CODE_RE.match(code) else None


def clean_name(raw: str, printable: Container[str]) -> str:
    """The name as it will be printed; raises a NameError-like AppError when it cannot be.

    `printable` holds the characters the certificate's fonts can draw.
    """
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    if any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in name):
        raise NameHasOddCharacters()
    if len(name) > NAME_MAX:
        raise NameTooLong()
    if sum(1 for ch in name if unicodedata.category(ch).startswith("L")) < NAME_MIN:
        raise NameTooShort()
    if any(ch not in printable for ch in name if not ch.isspace()):
        raise NameHasOddCharacters()
    return name


@dataclass(frozen=True, slots=True)
class Issued:
    certificate: CertificateRecord
    modules: tuple[tuple[Module, tuple[int, int]], ...]
    new: bool


async def existing(uow: UnitOfWork, user_id: int) -> CertificateRecord | None:
    return await uow.certificates.for_user(user_id)


async def eligible(uow: UnitOfWork, course: Course, user_id: int) -> bool:
    best = await uow.quizzes.best_results(user_id)
    return all(m.id in best for m in course.modules_in("en"))


async def issue(
    uow: UnitOfWork,
    course: Course,
    user_id: int,
    name: str | None,
    language: str,
    now: datetime,
    make_code: Callable[[], str] = new_code,
) -> Issued:
    """The learner's certificate: the one already issued, or a new one with `name`."""
    current = await uow.certificates.for_user(user_id)
    if current is None:
        best = await uow.quizzes.best_results(user_id)
        if name is None or not all(m.id in best for m in course.modules_in(language)):
            raise NotEligible()
        code = make_code()
        while await uow.certificates.by_code(code) is not None:  # astronomically rare
            code = make_code()
        current = await uow.certificates.add(code, user_id, name, language, best, now)
        await uow.events.add(user_id, "certificate", now)
        await uow.commit()
        new = True
    else:
        new = False
    modules = tuple(
        (m, current.scores[m.id]) for m in course.modules_in(language) if m.id in current.scores
    )
    return Issued(current, modules, new)


async def verify(uow: UnitOfWork, code: str) -> CertificateRecord | None:
    """The certificate with this code (revoked ones too), or None."""
    return await uow.certificates.by_code(code)
