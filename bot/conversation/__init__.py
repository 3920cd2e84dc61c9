"""The channel-neutral conversation: what a person did (events), how the bot answers them
and reaches others (ports), what it remembers between messages, and one turn's context.

Every channel adapter (bot/channels/<platform>/) turns its platform's updates into these
events and implements the ports; the feature handlers (handlers/) see nothing else.
"""
