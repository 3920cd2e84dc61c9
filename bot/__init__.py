"""ASI learning bot: ASI's community training carried to the phone."""

__version__ = "0.1.0"
