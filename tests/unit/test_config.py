from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import (
    ConfigError,
    Template,
    TemplatePurpose,
    load_settings,
    normalise_database_url,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///data/x.db", "sqlite+aiosqlite:///data/x.db"),
    ],
)
def test_database_urls_from_hosting_platforms_are_accepted(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_admin_ids_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", " 12, 34 ,")
    assert load_settings(_env_file=None).admin_ids == frozenset({12, 34})


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("PORT", "eighty", "PORT:"),
        ("ADMIN_IDS", "12,abc", "ADMIN_IDS:"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "TELEGRAM_BOT_TOKEN:"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL:"),
        ("WEBHOOK_URL", "http://insecure", "WEBHOOK_URL:"),
        ("DEFAULT_LANGUAGE", "de", "DEFAULT_LANGUAGE:"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert str(caught.value).startswith(fragment)


def _run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_bad_configuration_exits_2_with_one_line_and_no_traceback(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"PATH": "/usr/bin:/bin", "PORT": "not-a-port", "HOME": str(tmp_path)}
    result = _run_cli("run", env=env)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "PORT" in result.stderr and "Traceback" not in result.stderr


def test_unreachable_database_exits_2_with_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none",
    }
    result = _run_cli("db", "upgrade", env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("asi-bot: DATABASE_URL: cannot use the database")
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0


def test_a_sealing_key_keeps_what_waits_readable_when_the_token_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.sealing import Sealer

    monkeypatch.setenv("SEALING_KEY", "the same in every instance")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAoldTokenForTheTests_abcdefghijkl")
    before = load_settings(_env_file=None)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAnewTokenForTheTests_abcdefghijkl")
    after = load_settings(_env_file=None)
    assert before.sealing_secret == after.sealing_secret == "the same in every instance"
    sealed = Sealer.from_token(before.sealing_secret or "").seal("row", {"a": 1}, 64)
    assert Sealer.from_token(after.sealing_secret or "").open("row", sealed) == {"a": 1}
    monkeypatch.delenv("SEALING_KEY")
    new = "123456789:AAnewTokenForTheTests_abcdefghijkl"
    assert load_settings(_env_file=None).sealing_secret == new, "as before"
    monkeypatch.setenv("SEALING_KEY", "short")
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert str(caught.value).startswith("SEALING_KEY")


WHATSAPP = {
    "WHATSAPP_TOKEN": "EAAGm0PX4ZCpsBAtest",
    "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
    "WHATSAPP_APP_SECRET": "0123456789abcdef0123456789abcdef",
    "WHATSAPP_VERIFY_TOKEN": "a-verify-token",
}


def test_whatsapp_is_configured_by_its_four_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not load_settings(_env_file=None).whatsapp_configured
    for name, value in WHATSAPP.items():
        monkeypatch.setenv(name, value)
    settings = load_settings(_env_file=None)
    assert settings.whatsapp_configured
    assert settings.whatsapp_api_url == "https://graph.facebook.com"
    assert settings.whatsapp_rate == 80
    assert "0123456789abcdef" not in repr(settings), "the secrets stay secret"
    assert settings.whatsapp_app_secret is not None
    assert settings.whatsapp_app_secret.get_secret_value() == WHATSAPP["WHATSAPP_APP_SECRET"]


@pytest.mark.parametrize("left_out", sorted(WHATSAPP))
def test_whatsapp_partly_set_names_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, left_out: str
) -> None:
    for name, value in WHATSAPP.items():
        if name != left_out:
            monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    message = str(caught.value)
    assert message.startswith(f"{left_out}: must be set too")
    assert "\n" not in message


def test_whatsapp_partly_set_exits_2_with_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "WHATSAPP_TOKEN": "abc"}
    result = _run_cli("run", env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("asi-bot: WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET")
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0


def test_whatsapp_templates_are_parsed_by_purpose_and_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "WHATSAPP_TEMPLATES",
        "reminder:en=asi_reminder, reminder:pt=asi_reminder_pt@pt_BR,"
        "announcement:fr=asi_news_fr,consultation:hi=asi_consultation_hi,"
        "staff:fr=asi_staff_notice",
    )
    settings = load_settings(_env_file=None)
    assert settings.whatsapp_template(TemplatePurpose.REMINDER, "pt") == Template(
        "asi_reminder_pt", "pt_BR"
    )
    assert settings.whatsapp_template(TemplatePurpose.ANNOUNCEMENT, "fr") == Template(
        "asi_news_fr", "fr"
    )
    assert settings.whatsapp_template(TemplatePurpose.CONSULTATION, "hi") == Template(
        "asi_consultation_hi", "hi"
    )
    assert settings.whatsapp_template(TemplatePurpose.STAFF, "fr") == Template(
        "asi_staff_notice", "fr"
    )
    # no French reminder: the default language's (English) rather than none
    assert settings.whatsapp_template(TemplatePurpose.REMINDER, "fr") == Template(
        "asi_reminder", "en"
    )
    assert settings.whatsapp_template(TemplatePurpose.ANNOUNCEMENT, "en") is None
    assert load_settings(_env_file=None, whatsapp_templates="").whatsapp_templates == {}


@pytest.mark.parametrize(
    "value",
    [
        "reminder=asi_reminder",  # no language
        "birthday:en=asi_birthday",  # no such purpose
        "reminder:de=asi_reminder",  # not a language of the bot
        "reminder:en=Asi Reminder",  # not a template name Meta allows
        "reminder:pt=asi_reminder@Brazil",  # not a language code
        "reminder:en",  # no template
    ],
)
def test_bad_whatsapp_templates_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("WHATSAPP_TEMPLATES", value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert str(caught.value).startswith("WHATSAPP_TEMPLATES:")


def test_whatsapp_admins_are_phone_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_WHATSAPP", "+224621234567, 5591912345678,")
    settings = load_settings(_env_file=None)
    assert settings.admin_whatsapp == frozenset({"224621234567", "5591912345678"})
    for bad in ("224 62 12 34 56", "0621234567", "abc", "1234567890123456"):
        monkeypatch.setenv("ADMIN_WHATSAPP", bad)
        with pytest.raises(ConfigError) as caught:
            load_settings(_env_file=None)
        assert str(caught.value).startswith("ADMIN_WHATSAPP:")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WHATSAPP_PHONE_NUMBER_ID", "not-digits"),
        ("WHATSAPP_API_URL", "graph.facebook.com"),
        ("WHATSAPP_RATE", "0"),
        ("WHATSAPP_TOKEN", "two words"),
    ],
)
def test_bad_whatsapp_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    for known, given in WHATSAPP.items():
        monkeypatch.setenv(known, given)
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert str(caught.value).startswith(f"{name}:")


def test_admins_are_named_per_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "42")
    monkeypatch.setenv("ADMIN_WHATSAPP", "224621234567")
    settings = load_settings(_env_file=None)
    assert settings.names_admin("telegram", "42")
    assert settings.names_admin("whatsapp", "224621234567")
    assert not settings.names_admin("whatsapp", "42"), "a Telegram id is no phone number"
    assert not settings.names_admin("telegram", "224621234567")
    assert not settings.names_admin("sms", "224621234567")
