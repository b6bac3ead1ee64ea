using CommerceKit.PostgreSql.Schema;

namespace CommerceKit.PostgreSql.Outbox;

/// <summary>The outbox's and inbox's SQL, rendered for one schema (tables in <c>outbox.sql</c>).</summary>
internal sealed class OutboxSql(string schema)
{
    public const string Component = "outbox";

    /// <summary>The channel every enqueue NOTIFYs (with the schema as payload), delivered when it commits.</summary>
    public const string CommitChannel = "commercekit_outbox";


    private static readonly string Script = SchemaScripts.Load("Outbox/outbox.sql");

    // The end of both claims: each head's run of due messages, leased to the dispatcher.
    private const string ClaimRuns =
        """
        , runs AS (
            SELECT r.seq
            FROM heads h
            CROSS JOIN LATERAL (
                SELECT o.seq, bool_or(o.available_at > now() OR o.dead_lettered_at IS NOT NULL) OVER (ORDER BY o.seq) AS blocked
                FROM __SCHEMA__.outbox_messages o
                WHERE o.partition_key COLLATE "C" = h.partition_key AND o.seq >= h.seq AND o.published_at IS NULL
                ORDER BY o.seq
                LIMIT $3
            ) r
            WHERE NOT r.blocked
        )
        UPDATE __SCHEMA__.outbox_messages m
        SET available_at = now() + $4, claimed_by = $1
        FROM runs
        WHERE m.seq = runs.seq
        RETURNING m.seq, m.id, m.type, m.payload, m.partition_key, m.headers::text, m.enqueued_at, m.attempts + 1
        """;

    public string Schema { get; } = SchemaScripts.Render(Script, schema);

    // $1 partition keys: locked in order (no deadlock between two enqueues) until the transaction ends, so that two
    // transactions enqueueing for one key commit in seq order.
    // 1329748017 (0x4F425831, "OBX1") is the class id of these locks, apart from other users of advisory locks.
    public string LockKeys { get; } = "SELECT pg_advisory_xact_lock(1329748017, hashtext(k)) FROM (SELECT DISTINCT unnest($1::text[]) AS k ORDER BY 1) keys";

    // $1 ids, $2 types, $3 payloads, $4 keys, $5 headers (JSON), $6 not-before times (null for now): seq in array order.
    public string Insert { get; } = SchemaScripts.Render(
        """
        INSERT INTO __SCHEMA__.outbox_messages (id, type, payload, partition_key, headers, available_at)
        SELECT m.id, m.type, m.payload, m.partition_key, m.headers::jsonb, coalesce(m.not_before, clock_timestamp())
        FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::text[], $5::text[], $6::timestamptz[]) WITH ORDINALITY
             AS m(id, type, payload, partition_key, headers, not_before, n)
        ORDER BY m.n
        """,
        schema);

    // $1 channel, $2 schema: delivered to listeners only if the transaction commits.
    public string Notify { get; } = "SELECT pg_notify($1, $2)";

    // A claim takes the due heads of keys (a key's head is its first unpublished message), oldest first, and locks them
    // so that no other claim takes them meanwhile (a head another dispatcher holds has its lease in available_at and is
    // skipped); each head brings the key's next messages up to the first one not due. ClaimNearest looks for heads
    // among the $5 oldest unpublished messages only, one index probe each, which finds them at once when keys are many;
    // ClaimAny reads every key's head from the key index, whatever the backlog's shape, for when the oldest messages
    // all belong to keys that are held, waiting or parked.
    // $1 dispatcher, $2 max keys, $3 max messages per key, $4 lease, ($5 window).
    public string ClaimNearest { get; } = SchemaScripts.Render(
        """
        WITH heads AS (
            SELECT m.seq, m.partition_key
            FROM (SELECT seq FROM __SCHEMA__.outbox_messages WHERE published_at IS NULL ORDER BY seq LIMIT $5) w
            JOIN __SCHEMA__.outbox_messages m ON m.seq = w.seq
            WHERE m.published_at IS NULL AND m.dead_lettered_at IS NULL AND m.available_at <= now()
              AND NOT EXISTS (
                  SELECT 1 FROM __SCHEMA__.outbox_messages e
                  WHERE e.partition_key COLLATE "C" = m.partition_key AND e.seq < m.seq AND e.published_at IS NULL)
            ORDER BY m.seq
            LIMIT $2
            FOR UPDATE OF m SKIP LOCKED
        )
        """ + ClaimRuns.Replace("UPDATE __SCHEMA__", ", claimed AS (UPDATE __SCHEMA__", StringComparison.Ordinal).TrimEnd() + ")" +
        """

        SELECT * FROM claimed
        UNION ALL
        -- Nothing claimed, and more messages wait than the window held: free heads may wait beyond it (seq -1 says so).
        SELECT -1, NULL, NULL, NULL, NULL, NULL, NULL, NULL
        WHERE NOT EXISTS (SELECT 1 FROM claimed)
          AND (SELECT count(*) FROM (SELECT 1 FROM __SCHEMA__.outbox_messages WHERE published_at IS NULL ORDER BY seq LIMIT $5 + 1) w) > $5
        """,
        schema);

    public string ClaimAny { get; } = SchemaScripts.Render(
        """
        WITH firsts AS (
            SELECT DISTINCT ON (partition_key COLLATE "C") seq
            FROM __SCHEMA__.outbox_messages
            WHERE published_at IS NULL
            ORDER BY partition_key COLLATE "C", seq
        ), heads AS (
            SELECT m.seq, m.partition_key
            FROM (SELECT seq FROM firsts ORDER BY seq) f
            JOIN __SCHEMA__.outbox_messages m ON m.seq = f.seq
            WHERE m.published_at IS NULL AND m.dead_lettered_at IS NULL AND m.available_at <= now()
            ORDER BY f.seq
            LIMIT $2
            FOR UPDATE OF m SKIP LOCKED
        )
        """ + ClaimRuns,
        schema);

    // $1 ids.
    public string MarkPublished { get; } = SchemaScripts.Render(
        "UPDATE __SCHEMA__.outbox_messages SET published_at = now(), claimed_by = NULL WHERE id = ANY($1) AND published_at IS NULL",
        schema);

    // $1 dispatcher, $2 ids.
    public string Release { get; } = SchemaScripts.Render(
        """
        UPDATE __SCHEMA__.outbox_messages SET available_at = now(), claimed_by = NULL
        WHERE id = ANY($2) AND claimed_by = $1 AND published_at IS NULL AND dead_lettered_at IS NULL
        """,
        schema);

    // $1 dispatcher, $2 id, $3 error, $4 delay.
    public string RetryLater { get; } = SchemaScripts.Render(
        """
        UPDATE __SCHEMA__.outbox_messages
        SET attempts = attempts + 1, last_error = $3, available_at = now() + $4, claimed_by = NULL
        WHERE id = $2 AND claimed_by = $1 AND published_at IS NULL AND dead_lettered_at IS NULL
        """,
        schema);

    // $1 dispatcher, $2 id, $3 error.
    public string DeadLetter { get; } = SchemaScripts.Render(
        """
        UPDATE __SCHEMA__.outbox_messages
        SET attempts = attempts + 1, last_error = $3, dead_lettered_at = now(), claimed_by = NULL
        WHERE id = $2 AND claimed_by = $1 AND published_at IS NULL AND dead_lettered_at IS NULL
        """,
        schema);

    // $1 max count.
    public string DeadLetters { get; } = SchemaScripts.Render(
        """
        SELECT seq, id, type, payload, partition_key, headers::text, enqueued_at, attempts, last_error, dead_lettered_at
        FROM __SCHEMA__.outbox_messages
        WHERE published_at IS NULL AND dead_lettered_at IS NOT NULL
        ORDER BY dead_lettered_at, seq
        LIMIT $1
        """,
        schema);

    // $1 id, $2 channel, $3 schema: wakes the dispatchers when a dead letter was re-driven.
    public string Redrive { get; } = SchemaScripts.Render(
        """
        WITH redriven AS (
            UPDATE __SCHEMA__.outbox_messages
            SET dead_lettered_at = NULL, attempts = 0, last_error = NULL, available_at = now(), claimed_by = NULL
            WHERE id = $1 AND dead_lettered_at IS NOT NULL AND published_at IS NULL
            RETURNING 1)
        SELECT count(*) > 0 AND pg_notify($2, $3) IS NOT NULL FROM redriven
        """,
        schema);

    // $1 id, $2 channel, $3 schema: wakes the dispatchers, the key's next message may be due.
    public string Purge { get; } = SchemaScripts.Render(
        """
        WITH purged AS (
            DELETE FROM __SCHEMA__.outbox_messages
            WHERE id = $1 AND dead_lettered_at IS NOT NULL AND published_at IS NULL
            RETURNING 1)
        SELECT count(*) > 0 AND pg_notify($2, $3) IS NOT NULL FROM purged
        """,
        schema);

    // $1 age, $2 max count: the oldest published messages, skipping any a concurrent retention run holds.
    public string DeletePublished { get; } = SchemaScripts.Render(
        """
        DELETE FROM __SCHEMA__.outbox_messages
        WHERE seq IN (
            SELECT seq FROM __SCHEMA__.outbox_messages
            WHERE published_at IS NOT NULL AND published_at <= now() - $1
            ORDER BY published_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED)
        """,
        schema);

    public string Backlog { get; } = SchemaScripts.Render(
        """
        SELECT count(*), count(*) FILTER (WHERE dead_lettered_at IS NOT NULL), coalesce(now() - min(enqueued_at), interval '0')
        FROM __SCHEMA__.outbox_messages
        WHERE published_at IS NULL
        """,
        schema);

    // $1 consumer, $2 message id: one row when the message is new to the consumer.
    public string RecordInbox { get; } = SchemaScripts.Render(
        "INSERT INTO __SCHEMA__.inbox_messages (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        schema);

    // $1 age, $2 max count.
    public string DeleteInbox { get; } = SchemaScripts.Render(
        """
        DELETE FROM __SCHEMA__.inbox_messages
        WHERE (consumer, message_id) IN (
            SELECT consumer, message_id FROM __SCHEMA__.inbox_messages
            WHERE recorded_at <= now() - $1
            ORDER BY recorded_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED)
        """,
        schema);
}
