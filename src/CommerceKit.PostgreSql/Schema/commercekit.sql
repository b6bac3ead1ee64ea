-- CommerceKit's schema. Each feature's tables are created by its own script beside its backend.
-- __SCHEMA__ stands for the configured schema name (PostgreSqlOptions.Schema, default "commercekit").
CREATE SCHEMA IF NOT EXISTS __SCHEMA__;
