"""The QMS platform library: settings, database, events, outbox/inbox, HTTP, auth, observability."""
