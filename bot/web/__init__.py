"""The web pages the bot serves beside its webhooks (certificate checks)."""
