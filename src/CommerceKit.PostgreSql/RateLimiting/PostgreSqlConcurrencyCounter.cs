using CommerceKit.RateLimiting;

namespace CommerceKit.PostgreSql.RateLimiting;

/// <summary>Concurrency leases as rows of <c>rate_limit_leases</c>, one statement per call.</summary>
internal sealed class PostgreSqlConcurrencyCounter(PostgreSqlRateLimitStore store, string key, ConcurrencyPolicy policy) : ConcurrencyCounter
{
    private readonly long _lifetime = (long)policy.LeaseLifetime.TotalMicroseconds;

    public override async ValueTask<RateLimitDecision> AcquireAsync(string leaseId, int permits, CancellationToken cancellationToken)
    {
        var decision = await store.RunAsync(
            store.Sql.ConcurrencyAcquire, [key, leaseId, policy.PermitLimit, permits, _lifetime], PostgreSqlRateLimitStore.ReadDecisionAsync, cancellationToken)
            .ConfigureAwait(false);
        return decision.IsGranted ? decision : decision with { RetryAfter = policy.RetryInterval };
    }

    public override async ValueTask<bool> RenewAsync(string leaseId, CancellationToken cancellationToken) =>
        await store.RunAsync(
            store.Sql.ConcurrencyRenew,
            [key, leaseId, _lifetime],
            static async (command, token) => (bool)(await command.ExecuteScalarAsync(token).ConfigureAwait(false))!,
            cancellationToken).ConfigureAwait(false);

    public override async ValueTask ReleaseAsync(string leaseId, CancellationToken cancellationToken) =>
        await store.RunAsync(
            store.Sql.ConcurrencyRelease,
            [key, leaseId],
            static async (command, token) => await command.ExecuteNonQueryAsync(token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
}
