using CommerceKit.PostgreSql.Schema;

namespace CommerceKit.PostgreSql.Idempotency;

/// <summary>The idempotency store's SQL, rendered for one schema. Values are always parameters.</summary>
internal sealed class IdempotencySql(string schema)
{
    public const string Component = "idempotency";

    private static readonly string Script = SchemaScripts.Load("Idempotency/idempotency.sql");

    public string Schema { get; } = SchemaScripts.Render(Script, schema);

    // $1 scope, $2 key, $3 fingerprint, $4 lease ms.
    public string Claim { get; } = SchemaScripts.Render("SELECT * FROM __SCHEMA__.idempotency_claim($1, $2, $3, $4)", schema);

    // $1 scope, $2 key, $3 lease token, $4 response, $5 retention ms. Stores the response only while the caller's
    // lease lasts; run inside the caller's transaction, it holds the record's row lock until that transaction ends,
    // so a claim arriving meanwhile waits and then sees the outcome of the commit or the rollback.
    public string Complete { get; } = SchemaScripts.Render("""
        UPDATE __SCHEMA__.idempotency_records
           SET response = $4, expires_at = clock_timestamp() + $5 * interval '1 millisecond'
         WHERE scope = $1 AND key = $2 AND lease_token = $3 AND response IS NULL AND expires_at > clock_timestamp()
        """, schema);

    // $1 scope, $2 key, $3 lease token.
    public string Release { get; } = SchemaScripts.Render("""
        DELETE FROM __SCHEMA__.idempotency_records
         WHERE scope = $1 AND key = $2 AND lease_token = $3 AND response IS NULL AND expires_at > clock_timestamp()
        """, schema);
}
