"""Persistence: engine, models, unit of work and repositories (ORM objects never leave here)."""
