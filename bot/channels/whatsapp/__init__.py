"""The WhatsApp adapter (Cloud API): the only package that imports pywa.

`webhook` receives Meta's signed calls and answers at once; `events` reads what they carry
into the bot's neutral events and delivery statuses.
"""
