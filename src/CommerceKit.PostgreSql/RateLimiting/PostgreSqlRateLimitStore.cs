using CommerceKit.PostgreSql.Connection;
using CommerceKit.RateLimiting;
using Npgsql;

namespace CommerceKit.PostgreSql.RateLimiting;

/// <summary>
/// Rate limits in PostgreSQL: each decision is one function call on the database clock, serialised per key by its
/// counter row; expired keys are swept by the decisions themselves.
/// </summary>
internal sealed class PostgreSqlRateLimitStore : RateLimitStore
{
    private readonly PostgreSqlDatabase _database;

    public PostgreSqlRateLimitStore(PostgreSqlDatabase database)
        : base(PostgreSqlFailures.BackendName)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        Sql = new RateLimitingSql(database.Schema);
    }

    internal RateLimitingSql Sql { get; }

    public override RateLimitCounter CreateCounter(string key, RateLimitPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy switch
        {
            TokenBucketPolicy bucket => new PostgreSqlRateLimitCounter(this, Sql.TokenBucket, "tb:" + key, (long)bucket.EmissionInterval.TotalMicroseconds, bucket.PermitLimit),
            FixedWindowPolicy fixedWindow => new PostgreSqlRateLimitCounter(this, Sql.FixedWindow, "fw:" + key, (long)fixedWindow.Length.TotalMicroseconds, fixedWindow.PermitLimit),
            SlidingWindowPolicy sliding => new PostgreSqlRateLimitCounter(this, Sql.SlidingWindow, "sw:" + key, (long)sliding.Length.TotalMicroseconds, sliding.PermitLimit),
            _ => throw new ArgumentException($"A {policy.GetType().Name} needs a concurrency counter.", nameof(policy)),
        };
    }

    public override ConcurrencyCounter CreateConcurrencyCounter(string key, ConcurrencyPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new PostgreSqlConcurrencyCounter(this, "cc:" + key, policy);
    }


    internal Task<TResult> RunAsync<TResult>(
        string sql,
        object[] parameters,
        Func<NpgsqlCommand, CancellationToken, Task<TResult>> read,
        CancellationToken cancellationToken) =>
        _database.RunStatementAsync(RateLimitingSql.Component, Sql.Schema, sql, parameters, read, cancellationToken);

    internal static async Task<RateLimitDecision> ReadDecisionAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return RateLimitDecision.FromMicroseconds(reader.GetBoolean(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }
    }
}

/// <summary>A token bucket, fixed window or sliding window key: one function call per decision.</summary>
internal sealed class PostgreSqlRateLimitCounter(PostgreSqlRateLimitStore store, string sql, string key, long parameter, int limit) : RateLimitCounter
{
    public override async ValueTask<RateLimitDecision> AcquireAsync(int permits, CancellationToken cancellationToken) =>
        await store.RunAsync(sql, [key, parameter, limit, permits], PostgreSqlRateLimitStore.ReadDecisionAsync, cancellationToken).ConfigureAwait(false);
}
