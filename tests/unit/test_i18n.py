from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from bot.config import SUPPORTED_LANGUAGES
from bot.i18n import LOCALES_DIR, I18n

TRANSLATED = [lang for lang in SUPPORTED_LANGUAGES if lang != "en"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_interface_string_is_translated(language: str) -> None:
    """Fails when a string in messages.pot lacks a translation (or is fuzzy)."""
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        strings = (
            found.string
            if found and isinstance(found.string, tuple)
            else (found and found.string,)
        )
        if found is None or found.fuzzy or not all(strings):
            missing.append(message.id)
    assert not missing, f"{language}: untranslated or fuzzy: {missing}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_survive_translation(language: str) -> None:
    import re

    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = [str(i) for i in (message.id if isinstance(message.id, tuple) else (message.id,))]
        strings = [
            str(s)
            for s in (message.string if isinstance(message.string, tuple) else (message.string,))
        ]
        wanted = set(re.findall(r"\{\w+\}", ids[-1]))
        for string in strings:
            assert set(re.findall(r"\{\w+\}", string)) <= wanted | set(
                re.findall(r"\{\w+\}", ids[0])
            ), (language, message.id, string)


def test_translators_are_per_language() -> None:
    i18n = I18n()
    assert i18n.translator("fr").gettext("Next") != "Next"
    assert i18n.translator("en").gettext("Next") == "Next"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("fr-CA", "fr"), ("pt-br", "pt"), ("hi", "hi"), ("de", "en"), (None, "en"), ("%%", "en")],
)
def test_language_is_negotiated_from_telegram(code: str | None, expected: str) -> None:
    assert I18n().negotiate(code) == expected


@pytest.mark.parametrize("language", TRANSLATED)
def test_contact_and_standing_strings_keep_what_they_must_say(language: str) -> None:
    """The safety line and the summary keep every address; what the course is not, and who
    issues the certificate, still name ASI."""
    t = I18n().translator(language)
    safety = (
        "This bot is not ASI's complaints mechanism: nothing you write here reaches ASI. "
        "To complain, use {portal} or write to ASI at {email} (see {page})."
    )
    summary = (
        "Send it through the official channel: the EthicsPoint portal {portal}, or by email "
        "or post to ASI ({email}; see {page}). You may first ask ASI, by email or on the "
        "portal, how to raise it."
    )
    for msgid in (safety, summary):
        translated = t.gettext(msgid)
        assert translated != msgid, (language, msgid)
        for placeholder in ("{portal}", "{email}", "{page}"):
            assert placeholder in translated, (language, placeholder)
    for msgid in (
        "This course is not ASI's official training, and it does not by itself meet ASI's "
        "mandatory training level.",
        "The certificate is issued by the open-source learning bot that ran this course, "
        "not by ASI.",
    ):
        translated = t.gettext(msgid)
        assert translated != msgid and "ASI" in translated, (language, msgid)
