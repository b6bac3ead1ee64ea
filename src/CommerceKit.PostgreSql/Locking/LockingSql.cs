using CommerceKit.PostgreSql.Schema;

namespace CommerceKit.PostgreSql.Locking;

/// <summary>The lock's SQL, rendered for one schema. Values are always parameters.</summary>
internal sealed class LockingSql(string schema)
{
    public const string Component = "locking";

    /// <summary>The channel every release is announced on; the payload is <c>schema:name</c>.</summary>
    public const string ReleaseChannel = "commercekit_lock_released";

    /// <summary>The NOTIFY payload for a release: the schema, so instances using other schemas ignore it, and the name.</summary>
    public static string ReleasePayload(string schema, string name) => schema + ":" + name;

    /// <summary>
    /// How the channel an instance hears its hand-offs on begins; the instance's id follows, so a hand-off wakes the
    /// waiter's instance only. The payload is <c>owner:token</c>.
    /// </summary>
    public const string HandOffChannelPrefix = "commercekit_lock_handed_off_";

    private static readonly string Script = SchemaScripts.Load("Locking/locking.sql");

    public string Schema { get; } = SchemaScripts.Render(Script, schema);

    // $1 name, $2 owner, $3 lease ms. Only a lease still held by its owner is extended.
    public string Renew { get; } = SchemaScripts.Render("""
        UPDATE __SCHEMA__.lock_leases SET expires_at = clock_timestamp() + $3 * interval '1 millisecond'
         WHERE name = $1 AND owner = $2 AND expires_at > clock_timestamp()
        """, schema);

    // $1 name, $2 owner, $3 lease ms, $4 queue ms (0: do not queue), $5 hand-off ms, $6 the instance's hand-off
    // channel. Takes a free, released or
    // expired lease with the next fencing token, or one handed to this owner (a waiter that missed the notification),
    // in one statement; returns (token, null) when taken (clearing the waiting mark: this holder's release announces
    // only attempts made from now on, and ending the owner's place in the queue). Else returns (null, the holder's
    // remaining ms), marks the lease as waited for, so its release is announced, and when $4 > 0 queues the owner
    // for a hand-off. The failed conflict leaves the lease row locked by this statement, so no release runs before
    // the place is queued: the release that follows sees it. The token of a takeover is drawn in SET, after the row
    // lock is held: drawn earlier, a waiter could come back with an older token.
    public string Acquire { get; } = SchemaScripts.Render("""
        WITH acquired AS (
            INSERT INTO __SCHEMA__.lock_leases AS lease (name, owner, fencing_token, expires_at)
            VALUES ($1, $2, nextval('__SCHEMA__.lock_fencing_tokens'), clock_timestamp() + $3 * interval '1 millisecond')
            ON CONFLICT (name) DO UPDATE
                SET owner = excluded.owner,
                    fencing_token = nextval('__SCHEMA__.lock_fencing_tokens'),
                    expires_at = clock_timestamp() + $3 * interval '1 millisecond',
                    waiting = false
                WHERE lease.owner IS NULL OR lease.expires_at <= clock_timestamp() OR lease.owner = excluded.owner
            RETURNING fencing_token),
        dequeued AS (
            DELETE FROM __SCHEMA__.lock_waiters WHERE name = $1 AND owner = $2 AND EXISTS (SELECT FROM acquired)),
        queued AS (
            INSERT INTO __SCHEMA__.lock_waiters (name, owner, queued_until, hand_off_ms, channel)
            SELECT $1, $2, clock_timestamp() + $4 * interval '1 millisecond', $5, $6 WHERE $4 > 0 AND NOT EXISTS (SELECT FROM acquired)
            ON CONFLICT (name, owner) DO UPDATE SET queued_until = excluded.queued_until),
        marked AS (
            UPDATE __SCHEMA__.lock_leases SET waiting = true
             WHERE name = $1 AND NOT waiting AND NOT EXISTS (SELECT FROM acquired))
        SELECT (SELECT fencing_token FROM acquired),
               (SELECT ceil(extract(epoch FROM expires_at - clock_timestamp()) * 1000)::bigint
                  FROM __SCHEMA__.lock_leases WHERE name = $1)
        """, schema);

    // $1 name, $2 owner, $3 release channel, $4 release payload.
    // Compare-and-release (a holder whose lease expired must not free the next holder's lease) in lock_release:
    // it hands the lease to the oldest queued waiter, or frees it and wakes the waiters of every instance when an
    // attempt failed meanwhile (every NOTIFY reaches every listening instance and takes a database-wide lock at commit).
    public string Release { get; } = SchemaScripts.Render("""
        SELECT __SCHEMA__.lock_release($1, $2, $3, $4)
        """, schema);

    // $1 resource, $2 token. Records the token unless a newer one wrote the resource; the row stays locked until
    // the caller's transaction ends, so a stale writer cannot slip in between. Returns (token or null, newest seen).
    public string ClaimFence { get; } = SchemaScripts.Render("""
        WITH claimed AS (
            INSERT INTO __SCHEMA__.lock_fences AS fence (resource, fencing_token) VALUES ($1, $2)
            ON CONFLICT (resource) DO UPDATE SET fencing_token = excluded.fencing_token, updated_at = clock_timestamp()
                WHERE fence.fencing_token <= excluded.fencing_token
            RETURNING fencing_token)
        SELECT (SELECT fencing_token FROM claimed),
               (SELECT fencing_token FROM __SCHEMA__.lock_fences WHERE resource = $1)
        """, schema);
}
