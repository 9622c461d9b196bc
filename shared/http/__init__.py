"""HTTP conventions shared by every service: problems, correlation, idempotency, pagination."""
