-- CommerceKit.RateLimiting: rate limits on the database clock, one function call (one round trip) per decision.
-- __SCHEMA__ stands for the configured schema name (PostgreSqlOptions.Schema, default "commercekit").
-- Times are microseconds since the epoch on clock_timestamp(). The decisions are those of the in-memory engine.
-- Every function returns (granted, remaining, retry_after µs, reset µs).

-- One row per limiter key: the token bucket's theoretical arrival time or the fixed window's count, and the row
-- every decision of the key locks first. expires_at is when the key stops affecting decisions; the sweep deletes
-- rows (and their log entries and leases) past it.
CREATE TABLE IF NOT EXISTS __SCHEMA__.rate_limit_counters (
    key          text    PRIMARY KEY,
    value        bigint  NOT NULL,
    window_start bigint,
    granted      boolean NOT NULL DEFAULT true,
    expires_at   bigint  NOT NULL
);
CREATE INDEX IF NOT EXISTS rate_limit_counters_expires_at ON __SCHEMA__.rate_limit_counters (expires_at);

-- The sliding window's grants still in the window.
CREATE TABLE IF NOT EXISTS __SCHEMA__.rate_limit_log (
    key     text    NOT NULL,
    at      bigint  NOT NULL,
    permits integer NOT NULL
);
CREATE INDEX IF NOT EXISTS rate_limit_log_key_at ON __SCHEMA__.rate_limit_log (key, at);

-- Concurrency leases; an expired lease holds nothing.
CREATE TABLE IF NOT EXISTS __SCHEMA__.rate_limit_leases (
    key        text    NOT NULL,
    lease_id   text    NOT NULL,
    permits    integer NOT NULL,
    expires_at bigint  NOT NULL,
    PRIMARY KEY (key, lease_id)
);

CREATE OR REPLACE FUNCTION __SCHEMA__.rate_limit_now() RETURNS bigint
LANGUAGE sql VOLATILE AS $$ SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint $$;

-- Deletes a few keys past their expiry, with their log entries and leases; called now and then by the decisions.
CREATE OR REPLACE FUNCTION __SCHEMA__.rate_limit_sweep(p_now bigint) RETURNS void
LANGUAGE sql AS $$
    WITH dead AS (
        SELECT key FROM __SCHEMA__.rate_limit_counters WHERE expires_at <= p_now
         ORDER BY expires_at LIMIT 100 FOR UPDATE SKIP LOCKED),
    log AS (DELETE FROM __SCHEMA__.rate_limit_log l USING dead WHERE l.key = dead.key),
    leases AS (DELETE FROM __SCHEMA__.rate_limit_leases l USING dead WHERE l.key = dead.key)
    DELETE FROM __SCHEMA__.rate_limit_counters c USING dead WHERE c.key = dead.key;
$$;

-- GCRA: value is the theoretical arrival time. Permits 0 only answers whether one permit is available.
CREATE OR REPLACE FUNCTION __SCHEMA__.rate_limit_token_bucket(p_key text, p_interval bigint, p_limit integer, p_permits integer)
RETURNS TABLE (granted boolean, remaining bigint, retry_after bigint, reset bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_now       bigint := __SCHEMA__.rate_limit_now();
    v_tolerance bigint := p_interval * p_limit;
    v_granted   boolean;
    v_value     bigint;
    v_start     bigint;
BEGIN
    IF random() < 0.01 THEN PERFORM __SCHEMA__.rate_limit_sweep(v_now); END IF;
    IF p_permits = 0 THEN
        SELECT greatest(c.value, v_now) INTO v_start FROM __SCHEMA__.rate_limit_counters c WHERE c.key = p_key;
        v_start := coalesce(v_start, v_now);
        v_granted := v_start + p_interval - v_now <= v_tolerance;
        RETURN QUERY SELECT v_granted, (v_tolerance - (v_start - v_now)) / p_interval,
            CASE WHEN v_granted THEN 0 ELSE v_start + p_interval - v_tolerance - v_now END, v_start - v_now;
        RETURN;
    END IF;

    INSERT INTO __SCHEMA__.rate_limit_counters AS c (key, value, granted, expires_at)
    VALUES (p_key, v_now + p_permits * p_interval, true, v_now + p_permits * p_interval)
    ON CONFLICT (key) DO UPDATE SET
        granted = greatest(c.value, v_now) + p_permits * p_interval - v_now <= v_tolerance,
        value = CASE WHEN greatest(c.value, v_now) + p_permits * p_interval - v_now <= v_tolerance
                     THEN greatest(c.value, v_now) + p_permits * p_interval ELSE c.value END,
        expires_at = CASE WHEN greatest(c.value, v_now) + p_permits * p_interval - v_now <= v_tolerance
                          THEN greatest(c.value, v_now) + p_permits * p_interval ELSE c.value END
    RETURNING c.granted, c.value INTO v_granted, v_value;

    IF v_granted THEN
        RETURN QUERY SELECT true, (v_tolerance - (v_value - v_now)) / p_interval, 0::bigint, v_value - v_now;
    ELSE
        v_start := greatest(v_value, v_now);
        RETURN QUERY SELECT false, (v_tolerance - (v_start - v_now)) / p_interval,
            v_start + p_permits * p_interval - v_tolerance - v_now, v_start - v_now;
    END IF;
END $$;

-- Epoch-aligned fixed window: value is the count of the window starting at window_start.
CREATE OR REPLACE FUNCTION __SCHEMA__.rate_limit_fixed_window(p_key text, p_window bigint, p_limit integer, p_permits integer)
RETURNS TABLE (granted boolean, remaining bigint, retry_after bigint, reset bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_now     bigint := __SCHEMA__.rate_limit_now();
    v_start   bigint := v_now - v_now % p_window;
    v_granted boolean;
    v_count   bigint;
BEGIN
    IF random() < 0.01 THEN PERFORM __SCHEMA__.rate_limit_sweep(v_now); END IF;
    IF p_permits = 0 THEN
        SELECT CASE WHEN c.window_start = v_start THEN c.value ELSE 0 END INTO v_count
          FROM __SCHEMA__.rate_limit_counters c WHERE c.key = p_key;
        v_count := coalesce(v_count, 0);
        v_granted := v_count + 1 <= p_limit;
        RETURN QUERY SELECT v_granted, p_limit - v_count,
            CASE WHEN v_granted THEN 0 ELSE v_start + p_window - v_now END, v_start + p_window - v_now;
        RETURN;
    END IF;

    INSERT INTO __SCHEMA__.rate_limit_counters AS c (key, value, window_start, granted, expires_at)
    VALUES (p_key, p_permits, v_start, true, v_start + p_window)
    ON CONFLICT (key) DO UPDATE SET
        granted = (CASE WHEN c.window_start = v_start THEN c.value ELSE 0 END) + p_permits <= p_limit,
        value = (CASE WHEN c.window_start = v_start THEN c.value ELSE 0 END)
              + (CASE WHEN (CASE WHEN c.window_start = v_start THEN c.value ELSE 0 END) + p_permits <= p_limit
                      THEN p_permits ELSE 0 END),
        window_start = v_start,
        expires_at = v_start + p_window
    RETURNING c.granted, c.value INTO v_granted, v_count;

    RETURN QUERY SELECT v_granted, p_limit - v_count,
        CASE WHEN v_granted THEN 0 ELSE v_start + p_window - v_now END, v_start + p_window - v_now;
END $$;

-- Sliding log: the grants of the last window are rows of rate_limit_log; the counter row serialises the key.
CREATE OR REPLACE FUNCTION __SCHEMA__.rate_limit_sliding_window(p_key text, p_window bigint, p_limit integer, p_permits integer)
RETURNS TABLE (granted boolean, remaining bigint, retry_after bigint, reset bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_now    bigint := __SCHEMA__.rate_limit_now();
    v_total  bigint;
    v_newest bigint;
    v_needed bigint;
    v_leaves bigint;
BEGIN
    IF random() < 0.01 THEN PERFORM __SCHEMA__.rate_limit_sweep(v_now); END IF;
    INSERT INTO __SCHEMA__.rate_limit_counters AS c (key, value, expires_at) VALUES (p_key, 0, v_now)
    ON CONFLICT (key) DO UPDATE SET value = c.value;
    DELETE FROM __SCHEMA__.rate_limit_log l WHERE l.key = p_key AND l.at <= v_now - p_window;
    SELECT coalesce(sum(l.permits), 0), max(l.at) INTO v_total, v_newest FROM __SCHEMA__.rate_limit_log l WHERE l.key = p_key;

    v_needed := v_total + greatest(p_permits, 1) - p_limit;
    IF v_needed > 0 THEN
        SELECT s.at + p_window INTO v_leaves
          FROM (SELECT l.at, sum(l.permits) OVER (ORDER BY l.at) AS freed
                  FROM __SCHEMA__.rate_limit_log l WHERE l.key = p_key) s
         WHERE s.freed >= v_needed ORDER BY s.at LIMIT 1;
        RETURN QUERY SELECT false, p_limit - v_total, v_leaves - v_now, v_newest + p_window - v_now;
        RETURN;
    END IF;

    IF p_permits > 0 THEN
        INSERT INTO __SCHEMA__.rate_limit_log (key, at, permits) VALUES (p_key, v_now, p_permits);
        UPDATE __SCHEMA__.rate_limit_counters c SET expires_at = v_now + p_window WHERE c.key = p_key;
        v_total := v_total + p_permits;
        v_newest := v_now;
    END IF;

    RETURN QUERY SELECT true, p_limit - v_total, 0::bigint,
        CASE WHEN v_total > 0 THEN v_newest + p_window - v_now ELSE 0 END;
END $$;

-- Concurrency: permits held by unexpired leases; the counter row serialises the key and expires with the last lease.
CREATE OR REPLACE FUNCTION __SCHEMA__.rate_limit_concurrency_acquire(p_key text, p_lease text, p_limit integer, p_permits integer, p_lifetime bigint)
RETURNS TABLE (granted boolean, remaining bigint, retry_after bigint, reset bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_now  bigint := __SCHEMA__.rate_limit_now();
    v_held bigint;
BEGIN
    IF random() < 0.01 THEN PERFORM __SCHEMA__.rate_limit_sweep(v_now); END IF;
    INSERT INTO __SCHEMA__.rate_limit_counters AS c (key, value, expires_at) VALUES (p_key, 0, v_now)
    ON CONFLICT (key) DO UPDATE SET value = c.value;
    DELETE FROM __SCHEMA__.rate_limit_leases l WHERE l.key = p_key AND l.expires_at <= v_now;
    SELECT coalesce(sum(l.permits), 0) INTO v_held FROM __SCHEMA__.rate_limit_leases l WHERE l.key = p_key;

    IF v_held + greatest(p_permits, 1) > p_limit THEN
        RETURN QUERY SELECT false, p_limit - v_held, 0::bigint, 0::bigint;
        RETURN;
    END IF;

    IF p_permits > 0 THEN
        INSERT INTO __SCHEMA__.rate_limit_leases (key, lease_id, permits, expires_at) VALUES (p_key, p_lease, p_permits, v_now + p_lifetime);
        UPDATE __SCHEMA__.rate_limit_counters c SET expires_at = greatest(c.expires_at, v_now + p_lifetime) WHERE c.key = p_key;
        v_held := v_held + p_permits;
    END IF;

    RETURN QUERY SELECT true, p_limit - v_held, 0::bigint, 0::bigint;
END $$;

CREATE OR REPLACE FUNCTION __SCHEMA__.rate_limit_concurrency_renew(p_key text, p_lease text, p_lifetime bigint)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_now bigint := __SCHEMA__.rate_limit_now();
BEGIN
    UPDATE __SCHEMA__.rate_limit_leases l SET expires_at = v_now + p_lifetime
     WHERE l.key = p_key AND l.lease_id = p_lease AND l.expires_at > v_now;
    IF NOT FOUND THEN RETURN false; END IF;
    UPDATE __SCHEMA__.rate_limit_counters c SET expires_at = greatest(c.expires_at, v_now + p_lifetime) WHERE c.key = p_key;
    RETURN true;
END $$;
