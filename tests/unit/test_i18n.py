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
