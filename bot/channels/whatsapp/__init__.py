"""The WhatsApp Business Cloud API channel: the only code that imports pywa or knows
WhatsApp's messages."""
