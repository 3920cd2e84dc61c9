"""Inline keyboards, built from plain data with the user's translator; no I/O."""
