"""Interface strings: gettext catalogues compiled in memory at start-up, one translator a user.

Catalogues are read from the `.po` sources and compiled in memory, so a fresh checkout needs
no build step and a stale `.mo` can never shadow an edited translation.
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.config import PROJECT_ROOT, SUPPORTED_LANGUAGES

Translator = gettext.NullTranslations
LOCALES_DIR = PROJECT_ROOT / "locales"
DOMAIN = "messages"

# Native names, shown in the picker so everyone can find their own language.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "hi": "हिन्दी",
    "pt": "Português",
}


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def compile_catalogue(po_path: Path) -> Translations:
    """Compile one `.po` file in memory (fuzzy entries are left out, like pybabel compile)."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=po_path.parent.parent.name)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


class I18n:
    """All catalogues, loaded once; `translator(language)` per user per update."""

    def __init__(
        self,
        default: str = "en",
        languages: tuple[str, ...] = SUPPORTED_LANGUAGES,
        locales_dir: Path = LOCALES_DIR,
    ) -> None:
        self.default = default
        self.languages = languages
        self._translators: dict[str, Translator] = {}
        for language in languages:
            po = locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
            self._translators[language] = (
                compile_catalogue(po) if po.is_file() else gettext.NullTranslations()
            )

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
