"""Database layer: typed ORM models, engine and session helpers, migrations."""
