"""Bot-level methods: getMe, the command lists, the menu button, close and logOut."""

from __future__ import annotations

import re
from typing import Any

from bot.channels.telegram.standin.errors import bad_request
from bot.channels.telegram.standin.messaging import Handler
from bot.channels.telegram.standin.wire import Params

__all__ = ["BotSettingsMethods", "scope_key"]

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_MAX_COMMANDS = 100


def scope_key(scope: dict[str, Any] | None) -> str:
    """A readable key for a BotCommandScope: "default", "all_private_chats", "chat:42"..."""
    if not scope:
        return "default"
    parts = [str(scope.get("type", "default"))]
    parts += [str(scope[key]) for key in ("chat_id", "user_id") if key in scope]
    return ":".join(parts)


class BotSettingsMethods:
    """The bot's own settings, kept per command scope and language."""

    def __init__(self, bot: dict[str, Any]) -> None:
        self._bot = bot
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}

    def handlers(self) -> dict[str, Handler]:
        """The implemented methods by their camelCase names."""
        return {
            "getMe": self.get_me,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
            "close": self.close,
            "logOut": self.log_out,
        }

    async def get_me(self, params: Params) -> dict[str, Any]:
        """getMe."""
        return dict(self._bot)

    async def set_my_commands(self, params: Params) -> bool:
        """setMyCommands: validated like Telegram (lowercase names, 1-256 char descriptions)."""
        commands = params.array("commands")
        if commands is None:
            raise bad_request("commands is empty")
        if len(commands) > _MAX_COMMANDS:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        kept: list[dict[str, Any]] = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("BOT_COMMAND_INVALID")
            name, description = command.get("command"), str(command.get("description", ""))
            if not isinstance(name, str) or not _COMMAND_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            kept.append({"command": name, "description": description})
        self.commands[self._key(params)] = kept
        return True

    async def get_my_commands(self, params: Params) -> list[dict[str, Any]]:
        """getMyCommands: exactly what was set for that scope and language."""
        return list(self.commands.get(self._key(params), []))

    async def delete_my_commands(self, params: Params) -> bool:
        """deleteMyCommands."""
        self.commands.pop(self._key(params), None)
        return True

    async def set_chat_menu_button(self, params: Params) -> bool:
        """setChatMenuButton (per chat, or the default without chat_id)."""
        button = params.mapping("menu_button") or {"type": "default"}
        self.menu_buttons[params.integer("chat_id")] = button
        return True

    async def get_chat_menu_button(self, params: Params) -> dict[str, Any]:
        """getChatMenuButton."""
        chat_id = params.integer("chat_id")
        return self.menu_buttons.get(chat_id, self.menu_buttons.get(None, {"type": "commands"}))

    async def close(self, params: Params) -> bool:
        """close: nothing to close here."""
        return True

    async def log_out(self, params: Params) -> bool:
        """logOut: nothing to log out of here."""
        return True

    @staticmethod
    def _key(params: Params) -> tuple[str, str]:
        return scope_key(params.mapping("scope")), params.text("language_code") or ""
