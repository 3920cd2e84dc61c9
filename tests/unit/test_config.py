from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import ConfigError, load_settings, normalise_database_url


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
