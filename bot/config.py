"""Typed settings read once from the environment and an optional `.env` file.

Every value is checked here so that a bad deployment stops at start-up with one line naming
the variable, instead of failing later in the middle of a learner's lesson.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fr", "hi", "pt")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/asi-bot.db"
_TOKEN_RE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable."""


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
    # Seconds between two runs of the consultation dispatcher (open, close, notices); 0 none.
    consultation_interval: float = Field(default=60, ge=0)
    # Seconds between two runs of the announcement delivery job (it starts due announcements
    # and sends until none is left); 0 runs none.
    announcement_interval: float = Field(default=2, ge=0)
    # Announcement copies per second. Just under Telegram's ~30 overall: sends paced at
    # exactly 30 meet a 429 whenever network or scheduling jitter packs 31 into one second,
    # and each 429 pauses every send for a second (benchmarks/announcements.py).
    announcement_rate: float = Field(default=29, gt=0)

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

    @field_validator("default_language")
    @classmethod
    def _language(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @property
    def sealing_secret(self) -> str | None:
        """SEALING_KEY if set, else the Telegram token (the deployments from before it)."""
        return self.sealing_key.get_secret_value() if self.sealing_key else self.token

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
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


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


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one line per bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as err:
        lines = []
        for problem in err.errors():
            name = str(problem["loc"][0]).upper() if problem["loc"] else "configuration"
            message = problem["msg"].removeprefix("Value error, ")
            lines.append(f"{name}: {message}")
        raise ConfigError("; ".join(lines)) from None
