using CommerceKit.PostgreSql.Schema;

namespace CommerceKit.PostgreSql.Locking;

/// <summary>The lock's SQL, rendered for one schema. Values are always parameters.</summary>
internal sealed class LockingSql(string schema)
{
    public const string Component = "locking";

    /// <summary>The channel every release is announced on; the payload is <c>schema:name</c>.</summary>
    public const string ReleaseChannel = "commercekit_lock_released";

    private static readonly string Script = SchemaScripts.Load("Locking/locking.sql");

    public string Schema { get; } = SchemaScripts.Render(Script, schema);

    // $1 name, $2 owner, $3 lease ms. Takes a free, released or expired lease with the next fencing token, in one
    // statement; returns (token, null) when taken (clearing the waiting mark: this holder's release announces only
    // attempts made from now on), else (null, the holder's remaining ms) and marks the lease as waited for, so its
    // release is announced. The token of a takeover is drawn in SET, after the row lock is held:
    // drawn earlier, a waiter could come back with an older token.
    public string Acquire { get; } = SchemaScripts.Render("""
        WITH acquired AS (
            INSERT INTO __SCHEMA__.lock_leases AS lease (name, owner, fencing_token, expires_at)
            VALUES ($1, $2, nextval('__SCHEMA__.lock_fencing_tokens'), clock_timestamp() + $3 * interval '1 millisecond')
            ON CONFLICT (name) DO UPDATE
                SET owner = excluded.owner,
                    fencing_token = nextval('__SCHEMA__.lock_fencing_tokens'),
                    expires_at = clock_timestamp() + $3 * interval '1 millisecond',
                    waiting = false
                WHERE lease.owner IS NULL OR lease.expires_at <= clock_timestamp()
            RETURNING fencing_token),
        marked AS (
            UPDATE __SCHEMA__.lock_leases SET waiting = true
             WHERE name = $1 AND NOT waiting AND NOT EXISTS (SELECT FROM acquired))
        SELECT (SELECT fencing_token FROM acquired),
               (SELECT ceil(extract(epoch FROM expires_at - clock_timestamp()) * 1000)::bigint
                  FROM __SCHEMA__.lock_leases WHERE name = $1)
        """, schema);

    // $1 name, $2 owner, $3 lease ms. Only a lease still held by its owner is extended.
    public string Renew { get; } = SchemaScripts.Render("""
        UPDATE __SCHEMA__.lock_leases SET expires_at = clock_timestamp() + $3 * interval '1 millisecond'
         WHERE name = $1 AND owner = $2 AND expires_at > clock_timestamp()
        """, schema);

    // $1 name, $2 owner, $3 channel, $4 payload. Compare-and-release (a holder whose lease expired must not free
    // the next holder's lease), then wake the waiters of every instance when an attempt failed meanwhile: every
    // NOTIFY reaches every listening instance and takes a database-wide lock at commit. The mark is cleared by the
    // next acquisition, not here: RETURNING then shows the newest committed mark, even one set after this statement
    // began, without reading the row FOR UPDATE first.
    public string Release { get; } = SchemaScripts.Render("""
        WITH released AS (
            UPDATE __SCHEMA__.lock_leases SET owner = NULL, expires_at = NULL
             WHERE name = $1 AND owner = $2 RETURNING waiting),
        notified AS (
            SELECT pg_notify($3, $4) FROM released WHERE waiting)
        SELECT count(*), (SELECT count(*) FROM notified) FROM released
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
