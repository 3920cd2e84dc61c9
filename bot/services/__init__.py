"""Use cases. Telegram-free: plain values in, plain data out; they own the commit."""
