using CommerceKit.PostgreSql.Schema;

namespace CommerceKit.PostgreSql.Notifications;

/// <summary>The notification dispatcher's SQL, rendered for one schema (table in <c>notifications.sql</c>).</summary>
internal sealed class NotificationSql(string schema)
{
    public const string Component = "notifications";

    // The columns a status is read from, in the order PostgreSqlNotificationStore.ReadStatus expects.
    private const string StatusColumns =
        "notification_id, recipient_id, category, state, accepted_at, due_at, sent_by, provider_message_id, attempts::text";

    private static readonly string Script = SchemaScripts.Load("Notifications/notifications.sql");

    public string Schema { get; } = SchemaScripts.Render(Script, schema);

    // $1 id, $2 recipient, $3 category, $4 due, $5 deliveries.
    public string Enqueue { get; } = SchemaScripts.Render(
        "INSERT INTO __SCHEMA__.notifications (notification_id, recipient_id, category, state, due_at, deliveries) VALUES ($1, $2, $3, 'pending', $4, $5::jsonb)",
        schema);

    // $1 category, $2 how many, $3 lease: due, pending, unleased; rows another claim is taking are skipped.
    public string Claim { get; } = SchemaScripts.Render(
        """
        UPDATE __SCHEMA__.notifications SET lease_expires_at = now() + $3
        WHERE notification_id IN (
            SELECT notification_id FROM __SCHEMA__.notifications
            WHERE state = 'pending' AND category = $1 AND due_at <= now() AND (lease_expires_at IS NULL OR lease_expires_at <= now())
            ORDER BY due_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED)
          AND state = 'pending' AND (lease_expires_at IS NULL OR lease_expires_at <= now())
        RETURNING notification_id, recipient_id, category, due_at, deliveries::text
        """,
        schema);

    // $1 id, $2 state, $3 sent by, $4 provider message id, $5 attempts (JSON array, appended).
    public string Complete { get; } = SchemaScripts.Render(
        """
        UPDATE __SCHEMA__.notifications
        SET state = $2, sent_by = $3, provider_message_id = $4, attempts = attempts || $5::jsonb, lease_expires_at = NULL, ended_at = now()
        WHERE notification_id = $1 AND state = 'pending'
        """,
        schema);

    public string Get { get; } = SchemaScripts.Render($"SELECT {StatusColumns} FROM __SCHEMA__.notifications WHERE notification_id = $1", schema);

    // $1 id, $2 the receipt's state.
    public string Receipt { get; } = SchemaScripts.Render(
        "UPDATE __SCHEMA__.notifications SET state = $2 WHERE notification_id = $1 AND state IN ('sent', 'delivered', 'bounced')",
        schema);

    public string DeadLetters { get; } = SchemaScripts.Render(
        $"SELECT {StatusColumns} FROM __SCHEMA__.notifications WHERE state = 'dead_lettered' ORDER BY ended_at LIMIT $1",
        schema);

    public string Redrive { get; } = SchemaScripts.Render(
        "UPDATE __SCHEMA__.notifications SET state = 'pending', due_at = now(), lease_expires_at = NULL WHERE notification_id = $1 AND state = 'dead_lettered'",
        schema);

    public string CountPending { get; } = SchemaScripts.Render(
        "SELECT count(*) FROM __SCHEMA__.notifications WHERE state = 'pending' AND category = $1",
        schema);

    // $1 item, $2 recipient, $3 key, $4 window end, $5 deliveries: nothing when the window has ended on the database clock.
    public string AddToDigest { get; } = SchemaScripts.Render(
        "INSERT INTO __SCHEMA__.notification_digest_items (item_id, recipient_id, digest_key, window_end, deliveries) SELECT $1, $2, $3, $4, $5::jsonb WHERE $4 > now()",
        schema);

    // $1 how many windows, $2 grace: the items of windows that ended at least the grace ago, in acceptance order.
    public string DueDigests { get; } = SchemaScripts.Render(
        """
        WITH windows AS (
            SELECT DISTINCT recipient_id, digest_key, window_end FROM __SCHEMA__.notification_digest_items
            WHERE window_end <= now() - $2 ORDER BY window_end LIMIT $1)
        SELECT d.recipient_id, d.digest_key, d.window_end, d.item_id, d.deliveries::text
        FROM __SCHEMA__.notification_digest_items d JOIN windows w USING (recipient_id, digest_key, window_end)
        ORDER BY d.seq
        """,
        schema);

    // $1 item ids: removed in the closing transaction.
    public string DeleteDigestItems { get; } = SchemaScripts.Render(
        "DELETE FROM __SCHEMA__.notification_digest_items WHERE item_id = ANY($1)",
        schema);

    public string EnqueueOnce => Enqueue + " ON CONFLICT (notification_id) DO NOTHING";
}
