"""SQLAlchemy adapters: engine, tables, repositories, the unit of work and migrations."""
