using CommerceKit.PostgreSql.Schema;

namespace CommerceKit.PostgreSql.RateLimiting;

/// <summary>The rate limiter's SQL, rendered for one schema: each decision is one call of a function in <c>ratelimiting.sql</c>.</summary>
internal sealed class RateLimitingSql(string schema)
{
    public const string Component = "ratelimiting";

    private static readonly string Script = SchemaScripts.Load("RateLimiting/ratelimiting.sql");

    public string Schema { get; } = SchemaScripts.Render(Script, schema);

    // $1 key, $2 interval or window µs, $3 limit, $4 permits.
    public string TokenBucket { get; } = SchemaScripts.Render("SELECT * FROM __SCHEMA__.rate_limit_token_bucket($1, $2, $3, $4)", schema);

    public string FixedWindow { get; } = SchemaScripts.Render("SELECT * FROM __SCHEMA__.rate_limit_fixed_window($1, $2, $3, $4)", schema);

    public string SlidingWindow { get; } = SchemaScripts.Render("SELECT * FROM __SCHEMA__.rate_limit_sliding_window($1, $2, $3, $4)", schema);

    // $1 key, $2 lease id, $3 limit, $4 permits, $5 lifetime µs.
    public string ConcurrencyAcquire { get; } = SchemaScripts.Render("SELECT * FROM __SCHEMA__.rate_limit_concurrency_acquire($1, $2, $3, $4, $5)", schema);

    // $1 key, $2 lease id, $3 lifetime µs.
    public string ConcurrencyRenew { get; } = SchemaScripts.Render("SELECT __SCHEMA__.rate_limit_concurrency_renew($1, $2, $3)", schema);

    // $1 key, $2 lease id.
    public string ConcurrencyRelease { get; } = SchemaScripts.Render("DELETE FROM __SCHEMA__.rate_limit_leases WHERE key = $1 AND lease_id = $2", schema);
}
