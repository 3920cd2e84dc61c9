"""The WhatsApp Cloud API channel: the only place that knows WhatsApp's messages."""
