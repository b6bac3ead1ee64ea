-- CommerceKit.Locking: leases on the database clock and fencing tokens.
-- __SCHEMA__ stands for the configured schema name (PostgreSqlOptions.Schema, default "commercekit").

-- One row per lock name. Releasing empties the row (owner NULL) instead of deleting it: the next acquirer then
-- always goes through the row lock, and draws its fencing token only after it holds that lock, so tokens are
-- handed out in acquisition order.
-- waiting: an attempt failed while the lease was held, so the release is announced (a release nobody waits for
-- sends no NOTIFY); cleared by the next acquisition.
CREATE TABLE IF NOT EXISTS __SCHEMA__.lock_leases (
    name          text        PRIMARY KEY,
    owner         text,
    fencing_token bigint      NOT NULL,
    expires_at    timestamptz,
    waiting       boolean     NOT NULL DEFAULT false
);

-- Tables created before releases were announced only when waited for.
ALTER TABLE __SCHEMA__.lock_leases ADD COLUMN IF NOT EXISTS waiting boolean NOT NULL DEFAULT false;

-- Fencing tokens for every lock name: a sequence never goes backwards, not even across crashes and restarts.
CREATE SEQUENCE IF NOT EXISTS __SCHEMA__.lock_fencing_tokens AS bigint;

-- The newest fencing token that wrote each resource (PostgreSqlFencedWrites): older tokens are refused.
CREATE TABLE IF NOT EXISTS __SCHEMA__.lock_fences (
    resource      text        PRIMARY KEY,
    fencing_token bigint      NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
