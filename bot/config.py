"""Typed settings read once from the environment and an optional `.env` file.

Every value is checked here so that a bad deployment stops at start-up with one line naming
the variable, instead of failing later in the middle of a learner's lesson.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Self

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fr", "hi", "pt")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/asi-bot.db"
_TOKEN_RE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# E.164: a country code and a number, at most 15 digits; WhatsApp's wa_id is these digits.
_PHONE_RE = re.compile(r"^[1-9]\d{6,14}$")
# Meta's template names: lower-case letters, digits and underscores; its language codes
# look like "fr" or "pt_BR".
_TEMPLATE_NAME_RE = re.compile(r"^[a-z0-9_]{1,512}$")
_TEMPLATE_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
# Without these four WhatsApp cannot run: sending needs the token and the number, the
# webhook the app secret (signatures) and the verify token (Meta's handshake).
_WHATSAPP_REQUIRED = (
    "whatsapp_token",
    "whatsapp_phone_number_id",
    "whatsapp_app_secret",
    "whatsapp_verify_token",
)


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable."""


class TemplatePurpose(StrEnum):
    """What a WhatsApp template is for: outside the 24-hour window only an approved
    template reaches a person, so each message a job sends on its own has one."""

    REMINDER = "reminder"
    ANNOUNCEMENT = "announcement"
    CONSULTATION = "consultation"
    # Ask a person: a learner's question or answer back, told to an admin or trainer
    STAFF = "staff"


@dataclass(frozen=True, slots=True)
class Template:
    """An approved WhatsApp template: its name and the language code Meta approved it in
    (`pt_BR` for a template written for Brazil, though the bot's language is `pt`)."""

    name: str
    language: str


TemplateKey = tuple[TemplatePurpose, str]


class Settings(BaseSettings):
    """The bot's configuration (see the README's configuration table)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = DEFAULT_DATABASE_URL
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # The key that seals what waits in the database (held anonymous answers, waiting steps):
    # every process of a deployment must have the same one, and the database never does.
    # Without it the key comes from the Telegram token, so changing the token, or running
    # without one, could no longer open what waits.
    sealing_key: SecretStr | None = Field(default=None, min_length=16)
    port: int = Field(default=8080, ge=1, le=65535)
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    default_language: str = "en"
    playground_port: int = Field(default=8080, ge=0, le=65535)
    content_dir: Path = PROJECT_ROOT / "content"
    log_level: str = "INFO"
    # Seconds between two runs of the reminder dispatcher; 0 runs none (a process that only
    # answers updates, or tests that drive the dispatcher themselves).
    reminder_interval: float = Field(default=30, ge=0)
    # Where people open certificate verification links (GET /verify/{code}); see verify_base.
    public_url: str | None = None
    # Largest voice note, photo or document accepted as a consultation answer, in MB (bots
    # can fetch files of at most 20 MB from Telegram, so more cannot reach the export).
    consultation_max_file_mb: int = Field(default=20, ge=1, le=20)
    # Where recorded course audio is kept (bot.audio_store), and the largest recording taken:
    # three minutes of a voice note is well under 1 MB, of an MP3 about 3 MB.
    audio_dir: Path = PROJECT_ROOT / "data" / "audio"
    audio_max_mb: int = Field(default=5, ge=1, le=20)
    audio_max_seconds: int = Field(default=180, ge=10, le=600)
    # Seconds between two runs of the consultation dispatcher (open, close, notices); 0 none.
    consultation_interval: float = Field(default=60, ge=0)
    # Seconds between two runs of the announcement delivery job (it starts due announcements
    # and sends until none is left); 0 runs none.
    announcement_interval: float = Field(default=2, ge=0)
    # Seconds between two runs of the job that tells staff about questions to a person and
    # learners' answers back; 0 runs none.
    question_interval: float = Field(default=2, ge=0)
    # Announcement copies per second. Just under Telegram's ~30 overall: sends paced at
    # exactly 30 meet a 429 whenever network or scheduling jitter packs 31 into one second,
    # and each 429 pauses every send for a second (benchmarks/announcements.py).
    announcement_rate: float = Field(default=29, gt=0)
    # How many bot processes share this database (PostgreSQL). Above 1, each person's turn
    # holds a lock across processes (bot.db.locks); one process needs none and pays nothing.
    instances: int = Field(default=1, ge=1)
    # Redis (redis://host:port/db) shared by every process for the rate limits: sends per
    # second and tries per person (bot.ratelimits). Unset: each process counts by itself.
    redis_url: str | None = None
    # WhatsApp Cloud API (all four of token, number id, app secret, verify token, or none).
    whatsapp_token: SecretStr | None = None
    whatsapp_phone_number_id: str | None = None
    # Signs every webhook call (X-Hub-Signature-256); the verify token answers Meta's
    # handshake when the webhook is registered.
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_url: str = "https://graph.facebook.com"
    # The business number itself (digits with country code), for wa.me invitation links.
    whatsapp_number: str | None = None
    # Messages per second from our business number: Meta's default throughput is 80.
    whatsapp_rate: float = Field(default=80, gt=0)
    # WHATSAPP_TEMPLATES="reminder:en=asi_reminder,reminder:pt=asi_reminder@pt_BR,...":
    # purpose:language=template name, with Meta's language code after "@" where it is not
    # the bot's own language code.
    whatsapp_templates: Annotated[dict[TemplateKey, Template], NoDecode] = Field(
        default_factory=dict
    )
    # Admins on WhatsApp, by phone number (E.164 digits, the wa_id WhatsApp names them by).
    admin_whatsapp: Annotated[frozenset[str], NoDecode] = frozenset()

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _token(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not _TOKEN_RE.match(value.strip()):
            raise ValueError("must look like 123456789:ABC... as given by @BotFather")
        return value.strip()

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL such as https://api.telegram.org")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook_url(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not value.startswith("https://"):
            raise ValueError("must be an https:// URL that Telegram can reach")
        return value

    @field_validator("public_url", mode="before")
    @classmethod
    def _public_url(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not re.match(r"^https?://[^/\s]+\S*$", value):
            raise ValueError("must be an http(s) URL such as https://bot.example.org")
        return value.rstrip("/")

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not _SECRET_RE.match(value):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError:
                raise ValueError("must be Telegram user ids separated by commas") from None
        return value

    @field_validator(
        "whatsapp_token",
        "whatsapp_phone_number_id",
        "whatsapp_app_secret",
        "whatsapp_verify_token",
        mode="before",
    )
    @classmethod
    def _whatsapp_value(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if isinstance(value, str) and (not value.strip() or re.search(r"\s", value.strip())):
            raise ValueError("must not contain spaces")
        return value.strip() if isinstance(value, str) else value

    @field_validator("whatsapp_phone_number_id")
    @classmethod
    def _phone_number_id(cls, value: str | None) -> str | None:
        if value is not None and not value.isdigit():
            raise ValueError("must be the digits of the phone number id Meta shows")
        return value

    @field_validator("whatsapp_number", mode="before")
    @classmethod
    def _whatsapp_number(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().removeprefix("+").replace(" ", "")
            if value and not value.isdigit():
                raise ValueError("must be the number's digits with its country code")
            return value or None
        return value

    @field_validator("whatsapp_api_url")
    @classmethod
    def _whatsapp_api_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL such as https://graph.facebook.com")
        return value.rstrip("/")

    @field_validator("whatsapp_templates", mode="before")
    @classmethod
    def _whatsapp_templates(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_templates(value)
        return value

    @field_validator("admin_whatsapp", mode="before")
    @classmethod
    def _admin_whatsapp(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip().removeprefix("+") for p in value.split(",") if p.strip()]
            if not all(_PHONE_RE.match(p) for p in parts):
                raise ValueError(
                    "must be phone numbers with their country code (E.164 digits, "
                    "such as 224621234567) separated by commas"
                )
            return frozenset(parts)
        return value

    @model_validator(mode="after")
    def _whatsapp_whole(self) -> Self:
        given = [name for name in _WHATSAPP_REQUIRED if getattr(self, name) is not None]
        if given and len(given) < len(_WHATSAPP_REQUIRED):
            missing = [name.upper() for name in _WHATSAPP_REQUIRED if name not in given]
            raise ValueError(
                f"{', '.join(missing)}: must be set too, since "
                f"{', '.join(name.upper() for name in given)} "
                f"{'is' if len(given) == 1 else 'are'} (WhatsApp needs all four)"
            )
        return self

    @field_validator("default_language")
    @classmethod
    def _language(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @property
    def sealing_secret(self) -> str | None:
        """SEALING_KEY if set, else the Telegram token (the deployments from before it),
        else WhatsApp's app secret: a deployment on WhatsApp alone seals too (held
        anonymous answers, kept files), with a secret every process has and the database
        does not."""
        if self.sealing_key:
            return self.sealing_key.get_secret_value()
        if self.token:
            return self.token
        secret = self.whatsapp_app_secret
        return secret.get_secret_value() if secret else None

    @property
    def token(self) -> str | None:
        """The bot token in clear, for the one place that needs it."""
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

    @property
    def verify_base(self) -> str:
        """The root of verification links: PUBLIC_URL, else the webhook's origin (the same
        server answers GET /verify/{code}), else the local playground address."""
        if self.public_url:
            return self.public_url
        if self.webhook_url:
            match = re.match(r"^https://[^/]+", self.webhook_url)
            if match:
                return match.group(0)
        return f"http://127.0.0.1:{self.playground_port}"

    @property
    def whatsapp_configured(self) -> bool:
        """Whether this deployment runs WhatsApp (the four settings are all set or none)."""
        return self.whatsapp_token is not None

    def whatsapp_template(self, purpose: TemplatePurpose, language: str) -> Template | None:
        """The template for `purpose` in `language`, else in the default language (a
        reminder in English beats none), else None: then the job cannot reach the person
        outside the 24-hour window."""
        found = self.whatsapp_templates.get((purpose, language))
        return found or self.whatsapp_templates.get((purpose, self.default_language))

    @property
    def admin_accounts(self) -> tuple[tuple[str, str], ...]:
        """Every admin the settings name, as (platform, account id)."""
        telegram = [("telegram", str(admin)) for admin in sorted(self.admin_ids)]
        return (*telegram, *(("whatsapp", number) for number in sorted(self.admin_whatsapp)))

    def names_admin(self, platform: str, external_id: str) -> bool:
        """Whether an account is an admin: ADMIN_IDS names Telegram ids, ADMIN_WHATSAPP
        phone numbers (a WhatsApp account's id is its number); other channels none."""
        if platform == "telegram":
            return external_id in {str(a) for a in self.admin_ids}
        if platform == "whatsapp":
            return external_id in self.admin_whatsapp
        return False

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def turns_at_once(self) -> int:
        """How many people's turns a channel runs at once. SQLite has one writer:
        overlapping turns only wait on its lock (or fail on it), so they run one by one. On
        PostgreSQL, 4: CPU per update grows with overlap (benchmarks.updates: 4.8 ms at 1,
        5.0 at 4, 5.4 at 8, 5.9 at 16) while 4 already hides the database round trips."""
        return 1 if self.is_sqlite else 4


def normalise_database_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out and pick the async driver for them."""
    url = url.strip()
    if url.startswith("postgres://"):
        url = "postgresql+asyncpg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+asyncpg://" + url[len("postgresql://") :]
    elif url.startswith("sqlite:///") or url.startswith("sqlite://"):
        url = "sqlite+aiosqlite://" + url[len("sqlite://") :]
    if not (url.startswith("postgresql+asyncpg://") or url.startswith("sqlite+aiosqlite://")):
        raise ValueError("must be a postgres://, postgresql:// or sqlite:/// URL")
    return url


def parse_templates(value: str) -> dict[TemplateKey, Template]:
    """`reminder:en=asi_reminder,reminder:pt=asi_reminder@pt_BR` as a mapping from
    (purpose, language) to the template; a part that does not parse says which."""
    purposes = ", ".join(p.value for p in TemplatePurpose)
    templates: dict[TemplateKey, Template] = {}
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        key, equals, target = part.partition("=")
        purpose, colon, language = key.strip().partition(":")
        name, _, code = target.strip().partition("@")
        language = language.strip().lower()
        problem = None
        if not equals or not colon:
            problem = "is not purpose:language=template"
        elif purpose.strip() not in set(TemplatePurpose):
            problem = f"names no purpose (one of {purposes})"
        elif language not in SUPPORTED_LANGUAGES:
            problem = f"names no language (one of {', '.join(SUPPORTED_LANGUAGES)})"
        elif not _TEMPLATE_NAME_RE.match(name):
            problem = "names no template (lower-case letters, digits and _)"
        elif code and not _TEMPLATE_LANGUAGE_RE.match(code):
            problem = "names no template language after @ (such as pt_BR)"
        if problem:
            raise ValueError(f"{part!r} {problem}")
        templates[(TemplatePurpose(purpose.strip()), language)] = Template(name, code or language)
    return templates


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one line per bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as err:
        lines = []
        for problem in err.errors():
            message = problem["msg"].removeprefix("Value error, ")
            if problem["loc"]:
                lines.append(f"{str(problem['loc'][0]).upper()}: {message}")
            else:  # a check across settings: its message begins with the variables' names
                lines.append(message)
        raise ConfigError("; ".join(lines)) from None
