"""Background jobs: reminders, announcement delivery, consultation notices and batches."""
