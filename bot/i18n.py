"""Interface strings: gettext catalogues compiled in memory at start-up, one translator a user.

Catalogues are read from the `.po` sources and compiled in memory, so a fresh checkout needs
no build step and a stale `.mo` can never shadow an edited translation.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.config import PROJECT_ROOT, SUPPORTED_LANGUAGES
from bot.content.languages import SHIPPED_NAMES as LANGUAGE_NAMES
from bot.content.languages import AddedLanguage

Translator = gettext.NullTranslations
LOCALES_DIR = PROJECT_ROOT / "locales"
DOMAIN = "messages"
TEMPLATE = "messages.pot"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def catalogue_path(locales_dir: Path, language: str) -> Path:
    return locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def babel_locale(language: str) -> str | None:
    """Babel's locale for a code; None for a code CLDR does not know, which Babel then reads
    with its default plural rules."""
    try:
        Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        return None
    return language


def formatting_locale(language: str) -> str:
    """The locale dates, day names and places are written in: the language's own where CLDR
    has it, else English (a language translators added, such as Susu or Kui, has none; its
    words still come in the language or its bridge)."""
    return babel_locale(language) or "en"


def untranslated_strings(locales_dir: Path, language: str) -> tuple[int, int]:
    """(untranslated or fuzzy, all) interface strings of `language` against the template."""
    with (locales_dir / TEMPLATE).open("rb") as handle:
        template = read_po(handle)
    po = catalogue_path(locales_dir, language)
    catalog = None
    if po.is_file():
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=babel_locale(language))
    ids = [(m.id, m.context) for m in template if m.id]
    missing = 0
    for msgid, context in ids:
        found = catalog.get(msgid, context=context) if catalog is not None else None
        strings = (
            found.string
            if found and isinstance(found.string, tuple)
            else (found.string if found else "",)
        )
        if found is None or found.fuzzy or not all(strings):
            missing += 1
    return missing, len(ids)


def compile_catalogue(po_path: Path) -> Translations:
    """Compile one `.po` file in memory (fuzzy entries are left out, like pybabel compile)."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=babel_locale(po_path.parent.parent.name))
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


class I18n:
    """All catalogues, loaded once; `translator(language)` per user per update.

    `languages` are those the picker offers: the shipped ones, then each added language
    whose interface is translated in full (the caller passes only added languages with at
    least one complete module). An added language's strings that are not translated yet
    come in its bridge language.
    """

    def __init__(
        self,
        default: str = "en",
        languages: tuple[str, ...] = SUPPORTED_LANGUAGES,
        locales_dir: Path = LOCALES_DIR,
        added: Sequence[AddedLanguage] = (),
    ) -> None:
        self.default = default
        self._translators: dict[str, Translator] = {}
        for language in languages:
            po = catalogue_path(locales_dir, language)
            self._translators[language] = (
                compile_catalogue(po) if po.is_file() else gettext.NullTranslations()
            )
        offered = list(languages)
        self.names: Mapping[str, str] = {
            **LANGUAGE_NAMES,
            **{new.code: new.name for new in added},
        }
        for new in added:
            po = catalogue_path(locales_dir, new.code)
            bridge = self._translators.get(new.bridge, gettext.NullTranslations())
            if not po.is_file():
                self._translators[new.code] = bridge
                continue
            own = compile_catalogue(po)
            own.add_fallback(bridge)
            self._translators[new.code] = own
            if untranslated_strings(locales_dir, new.code)[0] == 0:
                offered.append(new.code)
        self.languages = tuple(offered)

    def translator(self, language: str | None) -> Translator:
        return self._translators.get(language or self.default) or self._translators[self.default]

    def negotiate(self, language_code: str | None) -> str:
        """Map Telegram's IETF tag (e.g. `fr-CA`, `pt-br`) to a language we have."""
        if not language_code:
            return self.default
        try:
            locale = Locale.parse(language_code, sep="-")
        except (ValueError, UnknownLocaleError):
            return self.default
        found = negotiate_locale([str(locale)], list(self.languages), sep="_")
        if found is None:
            found = locale.language if locale.language in self.languages else None
        return found or self.default
