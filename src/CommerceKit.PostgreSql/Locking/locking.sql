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

-- Owners waiting for a lease, oldest first: a release hands the lease straight to the oldest one still queued,
-- which saves that waiter the round trip of trying again. A place lasts until queued_until unless the waiter's next
-- attempt renews it, so a waiter that crashed drops out; a lease handed over lives hand_off_ms until its new holder
-- renews it, so a waiter that crashed just before holds the lock up no longer than that. channel: where the
-- waiter's instance listens for its hand-offs, so a hand-off wakes that instance only.
CREATE TABLE IF NOT EXISTS __SCHEMA__.lock_waiters (
    name         text        NOT NULL,
    owner        text        NOT NULL,
    queued_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    queued_until timestamptz NOT NULL,
    hand_off_ms  bigint      NOT NULL,
    channel      text        NOT NULL,
    PRIMARY KEY (name, owner)
);

-- Releases p_owner's lease and hands it to the oldest live waiter (announcing owner:token on the waiter's channel),
-- or frees it and, when an attempt failed while it was held, announces the release. Also drops p_owner's own place in the queue (and places that lapsed): a waiter
-- that gives up releases too, and so passes on a lease handed to it meanwhile. Waiters are queued, and handed the
-- lease, only while the lease row is locked (the first UPDATE takes the lock); a plpgsql function rather than one
-- statement because, after that lock, each statement here takes a new snapshot (READ COMMITTED) and sees every
-- waiter queued by the transactions that held the lock before.
CREATE OR REPLACE FUNCTION __SCHEMA__.lock_release(p_name text, p_owner text, p_release_channel text, p_release_payload text,
    OUT released boolean)
LANGUAGE plpgsql AS $$
DECLARE
    v_waited boolean;
    v_next __SCHEMA__.lock_waiters;
    v_token bigint;
BEGIN
    UPDATE __SCHEMA__.lock_leases l SET owner = NULL, expires_at = NULL
     WHERE l.name = p_name AND l.owner = p_owner
    RETURNING l.waiting INTO v_waited;
    released := FOUND;
    DELETE FROM __SCHEMA__.lock_waiters w WHERE w.name = p_name AND (w.owner = p_owner OR w.queued_until <= clock_timestamp());
    IF NOT released THEN
        -- A waiter leaving: a release may just have handed it the lease, and the DELETE above waited for that
        -- release to commit, so this second look sees it.
        UPDATE __SCHEMA__.lock_leases l SET owner = NULL, expires_at = NULL
         WHERE l.name = p_name AND l.owner = p_owner
        RETURNING l.waiting INTO v_waited;
        released := FOUND;
        IF NOT released THEN
            RETURN;
        END IF;
    END IF;

    DELETE FROM __SCHEMA__.lock_waiters w
     WHERE w.name = p_name
       AND w.owner = (SELECT q.owner FROM __SCHEMA__.lock_waiters q WHERE q.name = p_name ORDER BY q.queued_at LIMIT 1)
    RETURNING w.* INTO v_next;
    IF FOUND THEN
        UPDATE __SCHEMA__.lock_leases l
           SET owner = v_next.owner,
               fencing_token = nextval('__SCHEMA__.lock_fencing_tokens'),
               expires_at = clock_timestamp() + v_next.hand_off_ms * interval '1 millisecond'
         WHERE l.name = p_name
        RETURNING l.fencing_token INTO v_token;
        PERFORM pg_notify(v_next.channel, v_next.owner || ':' || v_token);
    ELSIF v_waited THEN
        PERFORM pg_notify(p_release_channel, p_release_payload);
    END IF;
END;
$$;

-- The newest fencing token that wrote each resource (PostgreSqlFencedWrites): older tokens are refused.
CREATE TABLE IF NOT EXISTS __SCHEMA__.lock_fences (
    resource      text        PRIMARY KEY,
    fencing_token bigint      NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
