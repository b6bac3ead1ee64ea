-- CommerceKit.Idempotency: one record per (scope, key), first a lease, then the stored response.
-- __SCHEMA__ stands for the configured schema name (PostgreSqlOptions.Schema, default "commercekit").

-- expires_at is the lease's end while the operation runs (response IS NULL), the retention's end once it finished.
-- A record past expires_at is free: the next claim takes it over, and the sweep deletes it.
CREATE TABLE IF NOT EXISTS __SCHEMA__.idempotency_records (
    scope       text        NOT NULL,
    key         text        NOT NULL,
    fingerprint text        NOT NULL,
    lease_token bigint      NOT NULL,
    response    bytea,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS idempotency_records_expires_at ON __SCHEMA__.idempotency_records (expires_at);

-- Lease tokens for every key: a sequence never goes backwards, so a takeover never reuses a stale holder's token.
CREATE SEQUENCE IF NOT EXISTS __SCHEMA__.idempotency_lease_tokens AS bigint;

-- Deletes a few expired records; called now and then by the claims. The time is an init-plan value, not the volatile
-- clock_timestamp() itself, so the expires_at index can be used.
CREATE OR REPLACE FUNCTION __SCHEMA__.idempotency_sweep() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM __SCHEMA__.idempotency_records r USING (
        SELECT scope, key FROM __SCHEMA__.idempotency_records WHERE expires_at <= (SELECT clock_timestamp())
         ORDER BY expires_at LIMIT 100 FOR UPDATE SKIP LOCKED) dead
     WHERE r.scope = dead.scope AND r.key = dead.key;
$$;

-- Claims a free key, or reports what holds it: outcome 1 claimed (lease_token), 2 completed (response),
-- 3 in progress (remaining_ms), 4 fingerprint mismatch. Most calls for a live key are retries: a plain read answers
-- them without the insert's row lock and sequence draw. A plpgsql function rather than one statement: when the
-- insert meets a record another transaction just committed, the next statement sees it (READ COMMITTED takes a
-- snapshot per statement), where a single statement's snapshot might not.
CREATE OR REPLACE FUNCTION __SCHEMA__.idempotency_claim(p_scope text, p_key text, p_fingerprint text, p_lease_ms bigint,
    OUT outcome integer, OUT lease_token bigint, OUT response bytea, OUT remaining_ms bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_record __SCHEMA__.idempotency_records;
BEGIN
    IF random() < 0.01 THEN PERFORM __SCHEMA__.idempotency_sweep(); END IF;

    SELECT * INTO v_record FROM __SCHEMA__.idempotency_records r
     WHERE r.scope = p_scope AND r.key = p_key AND r.expires_at > clock_timestamp();
    IF NOT FOUND THEN
        INSERT INTO __SCHEMA__.idempotency_records AS r (scope, key, fingerprint, lease_token, response, expires_at)
        VALUES (p_scope, p_key, p_fingerprint, nextval('__SCHEMA__.idempotency_lease_tokens'), NULL,
                clock_timestamp() + p_lease_ms * interval '1 millisecond')
        ON CONFLICT (scope, key) DO UPDATE
            SET fingerprint = excluded.fingerprint,
                lease_token = nextval('__SCHEMA__.idempotency_lease_tokens'),
                response = NULL,
                expires_at = excluded.expires_at
            WHERE r.expires_at <= clock_timestamp()
        RETURNING r.lease_token INTO lease_token;

        IF lease_token IS NOT NULL THEN
            outcome := 1;
            RETURN;
        END IF;

        -- Another transaction claimed it first; the conflict left its live record locked by this one, so it
        -- cannot change before this read.
        SELECT * INTO v_record FROM __SCHEMA__.idempotency_records r WHERE r.scope = p_scope AND r.key = p_key;
    END IF;

    IF v_record.fingerprint <> p_fingerprint THEN
        outcome := 4;
    ELSIF v_record.response IS NOT NULL THEN
        outcome := 2;
        response := v_record.response;
    ELSE
        outcome := 3;
        remaining_ms := greatest(0, ceil(extract(epoch FROM v_record.expires_at - clock_timestamp()) * 1000))::bigint;
    END IF;
END;
$$;
