"""Tests of the WhatsApp channel (webhook, events, stand-in, rendering)."""
