-- CommerceKit.Inventory: stock, reservations and per-customer units, on the database clock.
-- __SCHEMA__ stands for the configured schema name (PostgreSqlOptions.Schema, default "commercekit").
-- Locks are always taken in one order: reservation rows first, then stock rows by SKU, so no two calls deadlock.

-- The invariant lives in the table itself: no statement can leave fewer units on hand than are reserved.
CREATE TABLE IF NOT EXISTS __SCHEMA__.inventory_stock (
    sku      text   PRIMARY KEY,
    on_hand  bigint NOT NULL DEFAULT 0,
    reserved bigint NOT NULL DEFAULT 0,
    CONSTRAINT inventory_stock_never_oversold CHECK (reserved >= 0 AND on_hand >= reserved)
);

-- status: 1 held, 2 confirmed, 3 released, 4 expired. announced: whether the sweeper reported the expiry.
-- forget_at: when a finished reservation is deleted (its id may then be used again).
CREATE TABLE IF NOT EXISTS __SCHEMA__.inventory_reservations (
    reservation_id   text        PRIMARY KEY,
    status           smallint    NOT NULL,
    customer_id      text,
    expires_at       timestamptz NOT NULL,
    first_expires_at timestamptz NOT NULL,
    announced        boolean     NOT NULL DEFAULT true,
    forget_at        timestamptz
);
CREATE INDEX IF NOT EXISTS inventory_reservations_held ON __SCHEMA__.inventory_reservations (expires_at) WHERE status = 1;
CREATE INDEX IF NOT EXISTS inventory_reservations_unannounced ON __SCHEMA__.inventory_reservations (expires_at) WHERE status = 4 AND NOT announced;
CREATE INDEX IF NOT EXISTS inventory_reservations_forget ON __SCHEMA__.inventory_reservations (forget_at) WHERE forget_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS __SCHEMA__.inventory_reservation_lines (
    reservation_id text    NOT NULL REFERENCES __SCHEMA__.inventory_reservations ON DELETE CASCADE,
    sku            text    NOT NULL,
    quantity       integer NOT NULL,
    PRIMARY KEY (reservation_id, sku)
);
CREATE INDEX IF NOT EXISTS inventory_reservation_lines_sku ON __SCHEMA__.inventory_reservation_lines (sku);

-- Units of each SKU a customer holds or bought through reservations, for per-customer limits.
CREATE TABLE IF NOT EXISTS __SCHEMA__.inventory_customer_units (
    sku         text   NOT NULL,
    customer_id text   NOT NULL,
    units       bigint NOT NULL,
    PRIMARY KEY (sku, customer_id)
);

-- Ends one held reservation (its row already locked by the caller): returns its units to stock (and, unless sold,
-- the customer's allowance) and sets its final status.
CREATE OR REPLACE FUNCTION __SCHEMA__.inventory_end(p_id text, p_customer text, p_status smallint, p_retention_ms bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_line record;
BEGIN
    FOR v_line IN SELECT sku, quantity FROM __SCHEMA__.inventory_reservation_lines WHERE reservation_id = p_id ORDER BY sku LOOP
        UPDATE __SCHEMA__.inventory_stock
           SET reserved = reserved - v_line.quantity,
               on_hand = on_hand - CASE WHEN p_status = 2 THEN v_line.quantity ELSE 0 END
         WHERE sku = v_line.sku;
        IF p_customer IS NOT NULL AND p_status <> 2 THEN
            UPDATE __SCHEMA__.inventory_customer_units SET units = units - v_line.quantity
             WHERE sku = v_line.sku AND customer_id = p_customer;
        END IF;
    END LOOP;

    UPDATE __SCHEMA__.inventory_reservations
       SET status = p_status, announced = (p_status <> 4),
           forget_at = clock_timestamp() + p_retention_ms * interval '1 millisecond'
     WHERE reservation_id = p_id;
END;
$$;

-- Expires up to p_limit due holds (only those on p_skus when given), skipping rows another call is ending, and
-- forgets a few finished reservations past their retention. The time is read into a variable first: compared with
-- the volatile clock_timestamp() itself, the partial indexes could not be used and every call scanned every hold.
CREATE OR REPLACE FUNCTION __SCHEMA__.inventory_expire_due(p_skus text[], p_limit integer, p_retention_ms bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_due record;
    v_now timestamptz := clock_timestamp();
BEGIN
    FOR v_due IN
        SELECT r.reservation_id, r.customer_id FROM __SCHEMA__.inventory_reservations r
         WHERE r.status = 1 AND r.expires_at <= v_now
           AND (p_skus IS NULL OR EXISTS (SELECT 1 FROM __SCHEMA__.inventory_reservation_lines l
                                           WHERE l.reservation_id = r.reservation_id AND l.sku = ANY (p_skus)))
         ORDER BY r.expires_at LIMIT p_limit FOR UPDATE SKIP LOCKED
    LOOP
        PERFORM __SCHEMA__.inventory_end(v_due.reservation_id, v_due.customer_id, 4::smallint, p_retention_ms);
    END LOOP;

    IF p_skus IS NULL THEN
        DELETE FROM __SCHEMA__.inventory_reservations WHERE reservation_id IN (
            SELECT reservation_id FROM __SCHEMA__.inventory_reservations
             WHERE forget_at <= v_now AND announced ORDER BY forget_at LIMIT 100 FOR UPDATE SKIP LOCKED);
    END IF;
END;
$$;

-- Reserves every line or none. Returns outcome 0 reserved (expires_at), 1 insufficient stock, 2 limit exceeded
-- (short_skus / short_requested / short_available), or the first result of a known reservation id.
CREATE OR REPLACE FUNCTION __SCHEMA__.inventory_reserve(
    p_id text, p_skus text[], p_quantities integer[], p_ttl_ms bigint, p_customer text, p_limit integer, p_retention_ms bigint,
    OUT outcome integer, OUT expires_at timestamptz, OUT short_skus text[], OUT short_requested integer[], OUT short_available bigint[])
LANGUAGE plpgsql AS $$
DECLARE
    v_i integer;
    v_available bigint;
    v_units bigint;
BEGIN
    PERFORM __SCHEMA__.inventory_expire_due(p_skus, 1000, p_retention_ms);

    -- Lock the SKUs in order (the caller sorted them), creating rows for unknown ones so a concurrent call waits.
    INSERT INTO __SCHEMA__.inventory_stock (sku) SELECT unnest(p_skus) ON CONFLICT (sku) DO NOTHING;
    PERFORM 1 FROM __SCHEMA__.inventory_stock WHERE sku = ANY (p_skus) ORDER BY sku FOR UPDATE;

    SELECT 0, r.first_expires_at INTO outcome, expires_at FROM __SCHEMA__.inventory_reservations r WHERE r.reservation_id = p_id;
    IF FOUND THEN
        RETURN;
    END IF;

    short_skus := '{}'; short_requested := '{}'; short_available := '{}';
    IF p_limit IS NOT NULL THEN
        FOR v_i IN 1 .. array_length(p_skus, 1) LOOP
            SELECT coalesce((SELECT units FROM __SCHEMA__.inventory_customer_units WHERE sku = p_skus[v_i] AND customer_id = p_customer), 0) INTO v_units;
            IF v_units + p_quantities[v_i] > p_limit THEN
                short_skus := short_skus || p_skus[v_i]; short_requested := short_requested || p_quantities[v_i];
                short_available := short_available || greatest(0, p_limit - v_units);
            END IF;
        END LOOP;
        IF array_length(short_skus, 1) > 0 THEN
            outcome := 2;
            RETURN;
        END IF;
    END IF;

    FOR v_i IN 1 .. array_length(p_skus, 1) LOOP
        SELECT on_hand - reserved INTO v_available FROM __SCHEMA__.inventory_stock WHERE sku = p_skus[v_i];
        IF v_available < p_quantities[v_i] THEN
            short_skus := short_skus || p_skus[v_i]; short_requested := short_requested || p_quantities[v_i];
            short_available := short_available || v_available;
        END IF;
    END LOOP;
    IF array_length(short_skus, 1) > 0 THEN
        outcome := 1;
        RETURN;
    END IF;

    expires_at := clock_timestamp() + p_ttl_ms * interval '1 millisecond';
    INSERT INTO __SCHEMA__.inventory_reservations (reservation_id, status, customer_id, expires_at, first_expires_at)
    VALUES (p_id, 1, p_customer, expires_at, expires_at);
    INSERT INTO __SCHEMA__.inventory_reservation_lines (reservation_id, sku, quantity)
    SELECT p_id, s, q FROM unnest(p_skus, p_quantities) AS t (s, q);
    UPDATE __SCHEMA__.inventory_stock s SET reserved = s.reserved + t.q
      FROM unnest(p_skus, p_quantities) AS t (sku, q) WHERE s.sku = t.sku;
    IF p_customer IS NOT NULL THEN
        INSERT INTO __SCHEMA__.inventory_customer_units (sku, customer_id, units)
        SELECT t.sku, p_customer, t.q FROM unnest(p_skus, p_quantities) AS t (sku, q)
        ON CONFLICT (sku, customer_id) DO UPDATE SET units = __SCHEMA__.inventory_customer_units.units + excluded.units;
    END IF;
    outcome := 0;
EXCEPTION WHEN unique_violation THEN
    -- The same id was reserved concurrently on other SKUs: answer its first result.
    SELECT 0, r.first_expires_at INTO outcome, expires_at FROM __SCHEMA__.inventory_reservations r WHERE r.reservation_id = p_id;
END;
$$;

-- Acts on a held reservation: p_action 1 extends it by p_ttl_ms from now, 2 confirms it, 3 releases it. A hold whose
-- time ran out expires instead. Returns the status afterwards (0 when the id is unknown).
CREATE OR REPLACE FUNCTION __SCHEMA__.inventory_act(p_id text, p_action smallint, p_ttl_ms bigint, p_retention_ms bigint)
RETURNS smallint LANGUAGE plpgsql AS $$
DECLARE
    v_reservation record;
BEGIN
    SELECT status, customer_id, expires_at INTO v_reservation FROM __SCHEMA__.inventory_reservations WHERE reservation_id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    IF v_reservation.status <> 1 THEN
        RETURN v_reservation.status;
    END IF;

    IF v_reservation.expires_at <= clock_timestamp() THEN
        PERFORM __SCHEMA__.inventory_end(p_id, v_reservation.customer_id, 4::smallint, p_retention_ms);
        RETURN 4;
    END IF;

    IF p_action = 1 THEN
        UPDATE __SCHEMA__.inventory_reservations SET expires_at = clock_timestamp() + p_ttl_ms * interval '1 millisecond'
         WHERE reservation_id = p_id;
    ELSE
        PERFORM __SCHEMA__.inventory_end(p_id, v_reservation.customer_id, p_action, p_retention_ms);
    END IF;

    RETURN p_action;
END;
$$;

-- Expires due holds, then hands out up to p_limit expiries nobody announced yet, each once.
CREATE OR REPLACE FUNCTION __SCHEMA__.inventory_take_expired(p_limit integer, p_retention_ms bigint)
RETURNS TABLE (reservation_id text, customer_id text, expired_at timestamptz, skus text[], quantities integer[])
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM __SCHEMA__.inventory_expire_due(NULL, p_limit, p_retention_ms);
    RETURN QUERY
    WITH taken AS (
        UPDATE __SCHEMA__.inventory_reservations r SET announced = true
         WHERE r.reservation_id IN (
            SELECT x.reservation_id FROM __SCHEMA__.inventory_reservations x
             WHERE x.status = 4 AND NOT x.announced ORDER BY x.expires_at LIMIT p_limit FOR UPDATE SKIP LOCKED)
        RETURNING r.reservation_id, r.customer_id, r.expires_at)
    SELECT t.reservation_id, t.customer_id, t.expires_at,
           array_agg(l.sku ORDER BY l.sku), array_agg(l.quantity ORDER BY l.sku)
      FROM taken t JOIN __SCHEMA__.inventory_reservation_lines l ON l.reservation_id = t.reservation_id
     GROUP BY t.reservation_id, t.customer_id, t.expires_at
     ORDER BY t.expires_at;
END;
$$;

-- Reads a SKU's stock after expiring its due holds.
CREATE OR REPLACE FUNCTION __SCHEMA__.inventory_get(p_sku text, p_retention_ms bigint, OUT on_hand bigint, OUT reserved bigint)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM __SCHEMA__.inventory_expire_due(ARRAY[p_sku], 1000, p_retention_ms);
    SELECT s.on_hand, s.reserved INTO on_hand, reserved FROM __SCHEMA__.inventory_stock s WHERE s.sku = p_sku;
    on_hand := coalesce(on_hand, 0);
    reserved := coalesce(reserved, 0);
END;
$$;

-- Reads several SKUs' stock after expiring their due holds: a row per element of p_skus, in its order (repeats
-- included), an unknown SKU with none.
CREATE OR REPLACE FUNCTION __SCHEMA__.inventory_get_many(p_skus text[], p_retention_ms bigint)
RETURNS TABLE (sku text, on_hand bigint, reserved bigint)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM __SCHEMA__.inventory_expire_due(ARRAY(SELECT DISTINCT unnest(p_skus)), 1000, p_retention_ms);
    RETURN QUERY
    SELECT u.sku, coalesce(s.on_hand, 0), coalesce(s.reserved, 0)
      FROM unnest(p_skus) WITH ORDINALITY AS u (sku, position)
      LEFT JOIN __SCHEMA__.inventory_stock s ON s.sku = u.sku
     ORDER BY u.position;
END;
$$;

-- Sets (p_adjust false) or adjusts (true) a SKU's units on hand after expiring its due holds; the table's check
-- refuses fewer units than are reserved. An adjustment updates first: PostgreSQL checks a proposed insert row (here
-- a negative delta) before it looks for the conflict. An adjustment past p_max raises 22003 (numeric value out of
-- range), which undoes the update: every backend refuses the same counts (Redis holds 2^53 - 1 at most).
CREATE OR REPLACE FUNCTION __SCHEMA__.inventory_set(p_sku text, p_value bigint, p_adjust boolean, p_retention_ms bigint, p_max bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_on_hand bigint;
BEGIN
    PERFORM __SCHEMA__.inventory_expire_due(ARRAY[p_sku], 1000, p_retention_ms);
    IF p_adjust THEN
        UPDATE __SCHEMA__.inventory_stock SET on_hand = on_hand + p_value WHERE sku = p_sku RETURNING on_hand INTO v_on_hand;
        IF v_on_hand > p_max THEN
            RAISE EXCEPTION 'more than % units on hand', p_max USING ERRCODE = 'numeric_value_out_of_range';
        END IF;
        IF FOUND THEN
            RETURN;
        END IF;
    END IF;

    INSERT INTO __SCHEMA__.inventory_stock AS s (sku, on_hand) VALUES (p_sku, p_value)
    ON CONFLICT (sku) DO UPDATE SET on_hand = CASE WHEN p_adjust THEN s.on_hand + p_value ELSE p_value END;
END;
$$;

-- Reserves many one-line requests in one transaction (the coalescing batcher): one round trip and one commit for
-- all, each request still with its own answer, in input order. The caller sorts the batch by SKU, so batches from
-- different instances lock hot rows in the same order. Set-based: due holds are expired once, each SKU's row is locked
-- and updated once, and the accepted holds are inserted together; the decisions are made in memory in between, in
-- input order, exactly as one call per request would make them.
CREATE OR REPLACE FUNCTION __SCHEMA__.inventory_reserve_batch(
    p_ids text[], p_skus text[], p_quantities integer[], p_ttl_ms bigint[], p_customers text[], p_limits integer[], p_retention_ms bigint)
RETURNS TABLE (outcome integer, expires_at timestamptz, available bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_count integer := coalesce(array_length(p_ids, 1), 0);
    v_skus text[] := ARRAY(SELECT DISTINCT unnest(p_skus) ORDER BY 1);
    v_now timestamptz;
    v_known jsonb;
    v_available jsonb;
    v_units jsonb;
    v_outcomes integer[] := '{}';
    v_expiries timestamptz[] := '{}';
    v_figures bigint[] := '{}';
    v_take boolean[] := '{}';
    v_i integer;
    v_left bigint;
    v_unit_key text;
    v_used bigint;
BEGIN
    PERFORM __SCHEMA__.inventory_expire_due(v_skus, 1000, p_retention_ms);
    INSERT INTO __SCHEMA__.inventory_stock (sku) SELECT unnest(v_skus) ON CONFLICT (sku) DO NOTHING;
    SELECT jsonb_object_agg(s.sku, s.on_hand - s.reserved) INTO v_available
      FROM (SELECT sku, on_hand, reserved FROM __SCHEMA__.inventory_stock WHERE sku = ANY (v_skus) ORDER BY sku FOR UPDATE) s;
    -- Customer units change only under their SKU's row lock, which this call now holds.
    SELECT coalesce(jsonb_object_agg(c.sku || E'\n' || c.customer_id, c.units), '{}') INTO v_units
      FROM __SCHEMA__.inventory_customer_units c
      JOIN unnest(p_skus, p_customers) AS t (sku, customer_id) ON c.sku = t.sku AND c.customer_id = t.customer_id;
    SELECT coalesce(jsonb_object_agg(r.reservation_id, r.first_expires_at), '{}') INTO v_known
      FROM __SCHEMA__.inventory_reservations r WHERE r.reservation_id = ANY (p_ids);
    v_now := clock_timestamp();

    FOR v_i IN 1 .. v_count LOOP
        v_take := v_take || false;
        IF v_known ? p_ids[v_i] THEN
            v_outcomes := v_outcomes || 0;
            v_expiries := v_expiries || (v_known ->> p_ids[v_i])::timestamptz;
            v_figures := v_figures || NULL::bigint;
            CONTINUE;
        END IF;

        v_unit_key := p_skus[v_i] || E'\n' || p_customers[v_i];
        v_used := coalesce((v_units ->> v_unit_key)::bigint, 0);
        v_left := (v_available ->> p_skus[v_i])::bigint;
        IF p_limits[v_i] IS NOT NULL AND v_used + p_quantities[v_i] > p_limits[v_i] THEN
            v_outcomes := v_outcomes || 2;
            v_expiries := v_expiries || NULL::timestamptz;
            v_figures := v_figures || greatest(0, p_limits[v_i] - v_used);
        ELSIF v_left < p_quantities[v_i] THEN
            v_outcomes := v_outcomes || 1;
            v_expiries := v_expiries || NULL::timestamptz;
            v_figures := v_figures || v_left;
        ELSE
            v_take[v_i] := true;
            v_outcomes := v_outcomes || 0;
            v_expiries := v_expiries || (v_now + p_ttl_ms[v_i] * interval '1 millisecond');
            v_figures := v_figures || NULL::bigint;
            v_available := jsonb_set(v_available, ARRAY[p_skus[v_i]], to_jsonb(v_left - p_quantities[v_i]));
            v_known := jsonb_set(v_known, ARRAY[p_ids[v_i]], to_jsonb(v_expiries[v_i]));
            IF p_customers[v_i] IS NOT NULL THEN
                v_units := jsonb_set(v_units, ARRAY[v_unit_key], to_jsonb(v_used + p_quantities[v_i]));
            END IF;
        END IF;
    END LOOP;

    INSERT INTO __SCHEMA__.inventory_reservations (reservation_id, status, customer_id, expires_at, first_expires_at)
    SELECT t.id, 1, t.customer_id, t.expires_at, t.expires_at
      FROM unnest(p_ids, p_customers, v_expiries, v_take) AS t (id, customer_id, expires_at, take) WHERE t.take;
    INSERT INTO __SCHEMA__.inventory_reservation_lines (reservation_id, sku, quantity)
    SELECT t.id, t.sku, t.quantity FROM unnest(p_ids, p_skus, p_quantities, v_take) AS t (id, sku, quantity, take) WHERE t.take;
    UPDATE __SCHEMA__.inventory_stock s SET reserved = s.reserved + t.units
      FROM (SELECT u.sku, sum(u.quantity) AS units FROM unnest(p_skus, p_quantities, v_take) AS u (sku, quantity, take)
             WHERE u.take GROUP BY u.sku) t
     WHERE s.sku = t.sku;
    INSERT INTO __SCHEMA__.inventory_customer_units (sku, customer_id, units)
    SELECT u.sku, u.customer_id, sum(u.quantity) FROM unnest(p_skus, p_customers, p_quantities, v_take) AS u (sku, customer_id, quantity, take)
     WHERE u.take AND u.customer_id IS NOT NULL GROUP BY u.sku, u.customer_id
    ON CONFLICT (sku, customer_id) DO UPDATE SET units = __SCHEMA__.inventory_customer_units.units + excluded.units;

    RETURN QUERY SELECT t.outcome, t.expires_at, t.figure FROM unnest(v_outcomes, v_expiries, v_figures) AS t (outcome, expires_at, figure);
EXCEPTION WHEN unique_violation THEN
    -- An id of the batch was reserved meanwhile by a call outside it: answer request by request, as one call each.
    FOR v_i IN 1 .. v_count LOOP
        SELECT r.outcome, r.expires_at, r.short_available[1] INTO outcome, expires_at, available
          FROM __SCHEMA__.inventory_reserve(
            p_ids[v_i], ARRAY[p_skus[v_i]], ARRAY[p_quantities[v_i]], p_ttl_ms[v_i], p_customers[v_i], p_limits[v_i], p_retention_ms) r;
        RETURN NEXT;
    END LOOP;
END;
$$;
