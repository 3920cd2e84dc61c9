"""Typed button actions, one schema module per feature; packing lives in `base`."""

from bot.actions.base import MAX_BYTES, Action, ActionError, Pattern, Range, parse_action

__all__ = ["MAX_BYTES", "Action", "ActionError", "Pattern", "Range", "parse_action"]
