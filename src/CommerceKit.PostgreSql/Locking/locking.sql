-- CommerceKit.Locking: leases on the database clock and fencing tokens.
-- __SCHEMA__ stands for the configured schema name (PostgreSqlOptions.Schema, default "commercekit").

-- One row per held lease. A released lease is deleted; an expired one is taken over by the next acquirer.
CREATE TABLE IF NOT EXISTS __SCHEMA__.lock_leases (
    name          text        PRIMARY KEY,
    owner         text        NOT NULL,
    fencing_token bigint      NOT NULL,
    expires_at    timestamptz NOT NULL
);

-- Fencing tokens for every lock name: a sequence never goes backwards, not even across crashes and restarts.
CREATE SEQUENCE IF NOT EXISTS __SCHEMA__.lock_fencing_tokens AS bigint;

-- The newest fencing token that wrote each resource (PostgreSqlFencedWrites): older tokens are refused.
CREATE TABLE IF NOT EXISTS __SCHEMA__.lock_fences (
    resource      text        PRIMARY KEY,
    fencing_token bigint      NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
