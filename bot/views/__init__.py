"""Texts the user reads, rendered from plain data; every user-supplied value is escaped."""
