"""Schema migrations (Alembic), applied when a project is opened."""
