"""Time zones for reminders: a suggestion per language, our learners' countries, and search.

Zones are IANA names checked against `zoneinfo.available_timezones()`; typed text is matched
against zone names ("kolkata", "Sao Paulo", "America/Belem"), the city names in the learner's
language (CLDR through Babel: "Conacri", "बेलेम") and a few places near the mines, refineries
and smelters that have no zone of their own ("Boké", "Barcarena", "Weipa").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale
from babel.dates import get_timezone_location

from bot.i18n import formatting_locale
from bot.services.glossary import normalise

MAX_FOUND = 8
_MIN_PARTIAL = 3
_MAX_QUERY = 60
# Region prefixes of real places; legacy aliases (US/..., Brazil/..., EST5EDT) are left out.
_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)

# A zone to suggest from the language the learner chose, where most of its learners live.
SUGGESTED: MappingProxyType[str, str] = MappingProxyType(
    {
        "fr": "Africa/Conakry",
        "hi": "Asia/Kolkata",
        "pt": "America/Sao_Paulo",
        "en": "Australia/Brisbane",
    }
)

# The countries our learners live in (ISO 3166 code) and their zones, most used first.
COUNTRIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("GN", ("Africa/Conakry",)),
    ("IN", ("Asia/Kolkata",)),
    (
        "BR",
        (
            "America/Sao_Paulo",
            "America/Belem",
            "America/Santarem",
            "America/Manaus",
            "America/Fortaleza",
        ),
    ),
    (
        "AU",
        (
            "Australia/Brisbane",
            "Australia/Darwin",
            "Australia/Perth",
            "Australia/Sydney",
            "Australia/Melbourne",
            "Australia/Adelaide",
            "Australia/Hobart",
        ),
    ),
)

# Places (normalised) whose zone is named after another city, and the countries by name.
PLACES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        **dict.fromkeys(
            ("boke", "kamsar", "sangaredi", "fria", "kindia", "guinea", "guinee", "guine"),
            ("Africa/Conakry",),
        ),
        **dict.fromkeys(
            (
                "india",
                "inde",
                "bharat",
                "भारत",
                "odisha",
                "orissa",
                "ओडिशा",
                "bhubaneswar",
                "भुवनेश्वर",
                "koraput",
                "कोरापुट",
                "damanjodi",
                "दामनजोड़ी",
                "lanjigarh",
                "लांजीगढ़",
                "jharsuguda",
                "झारसुगुड़ा",
                "angul",
                "अंगुल",
                "rayagada",
                "रायगड़ा",
                "delhi",
                "new delhi",
                "दिल्ली",
                "mumbai",
                "bombay",
                "मुंबई",
                "calcutta",
                "कोलकाता",
            ),
            ("Asia/Kolkata",),
        ),
        **dict.fromkeys(("para", "barcarena", "paragominas"), ("America/Belem",)),
        **dict.fromkeys(("oriximina", "juruti", "trombetas"), ("America/Santarem",)),
        **dict.fromkeys(
            ("rio de janeiro", "rio", "brasilia", "belo horizonte"), ("America/Sao_Paulo",)
        ),
        "sao luis": ("America/Fortaleza",),
        **dict.fromkeys(
            ("weipa", "cape york", "gladstone", "cairns", "queensland"), ("Australia/Brisbane",)
        ),
        **dict.fromkeys(("gove", "nhulunbuy"), ("Australia/Darwin",)),
        **dict.fromkeys(("pinjarra", "kwinana", "bunbury"), ("Australia/Perth",)),
        **dict.fromkeys(("canberra", "tomago", "newcastle"), ("Australia/Sydney",)),
        "portland": ("Australia/Melbourne",),
        "bell bay": ("Australia/Hobart",),
        **dict.fromkeys(("brazil", "bresil", "brasil", "ब्राज़ील"), COUNTRIES[2][1]),
        **dict.fromkeys(("australia", "australie", "ऑस्ट्रेलिया"), COUNTRIES[3][1]),
    }
)


def suggested_zone(language: str) -> str:
    """The zone to offer first to a learner who chose `language`."""
    return SUGGESTED.get(language, SUGGESTED["en"])


def load_zone(name: str | None) -> ZoneInfo | None:
    """The zone of a stored name; None for no name or one this system does not have."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def country_zones(code: str) -> tuple[str, ...] | None:
    return next((zones for country, zones in COUNTRIES if country == code), None)


def _key(text: str) -> str:
    for char in "_-/.,()":
        text = text.replace(char, " ")
    return normalise(text)


@dataclass
class ZoneIndex:
    """The zones this system knows; read on first use (listing them takes about 0.1 s)."""

    _names: frozenset[str] | None = None
    _cities: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def names(self) -> frozenset[str]:
        if self._names is None:
            self._names = frozenset(
                name for name in available_timezones() if name.split("/", 1)[0] in _AREAS
            ) | {"UTC"}
        return self._names

    def exists(self, name: str) -> bool:
        return name in self.names

    def _city_names(self, language: str) -> dict[str, str]:
        """Normalised city name in `language` -> zone, built once per language."""
        if language not in self._cities:
            locale = Locale.parse(formatting_locale(language))
            self._cities[language] = {
                _key(get_timezone_location(name, locale=locale, return_city=True)): name
                for name in sorted(self.names)
            }
        return self._cities[language]

    def find(self, query: str, language: str = "en") -> tuple[str, ...]:
        """Zones for a typed city or zone name, best matches first (at most MAX_FOUND)."""
        wanted = _key(query)
        if not wanted or len(wanted) > _MAX_QUERY:
            return ()
        if wanted in PLACES:
            return PLACES[wanted]
        localised = self._city_names(language)
        exact: list[str] = [localised[wanted]] if wanted in localised else []
        starts: list[str] = []
        within: list[str] = []
        for name in sorted(self.names):
            full = _key(name)
            city = _key(name.rsplit("/", 1)[-1])
            if wanted in (city, full):
                exact.append(name)
            elif len(wanted) < _MIN_PARTIAL:
                continue
            elif city.startswith(wanted) or full.startswith(wanted):
                starts.append(name)
            elif wanted in city:
                within.append(name)
        found = list(dict.fromkeys(exact or starts or within))
        return tuple(found[:MAX_FOUND])
