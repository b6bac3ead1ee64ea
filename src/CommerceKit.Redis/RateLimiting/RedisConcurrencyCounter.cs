using CommerceKit.RateLimiting;
using CommerceKit.Redis.Connection;
using StackExchange.Redis;

namespace CommerceKit.Redis.RateLimiting;

/// <summary>Concurrency leases in Redis: a sorted set of lease expiries and a hash of their permits, one script per call.</summary>
internal sealed class RedisConcurrencyCounter(RedisConnection connection, RedisKey[] keys, ConcurrencyPolicy policy) : ConcurrencyCounter
{
    private readonly long _lifetime = (long)policy.LeaseLifetime.TotalMicroseconds;

    public override async ValueTask<RateLimitDecision> AcquireAsync(string leaseId, int permits, CancellationToken cancellationToken)
    {
        var decision = RedisDecisions.Read(await RunAsync(
            RateLimitScripts.ConcurrencyAcquire, [leaseId, policy.PermitLimit, permits, _lifetime], cancellationToken).ConfigureAwait(false));
        return decision.IsGranted ? decision : decision with { RetryAfter = policy.RetryInterval };
    }

    public override async ValueTask<bool> RenewAsync(string leaseId, CancellationToken cancellationToken) =>
        (long)await RunAsync(RateLimitScripts.ConcurrencyRenew, [leaseId, _lifetime], cancellationToken).ConfigureAwait(false) == 1;

    public override async ValueTask ReleaseAsync(string leaseId, CancellationToken cancellationToken) =>
        await RunAsync(RateLimitScripts.ConcurrencyRelease, [leaseId], cancellationToken).ConfigureAwait(false);

    private Task<RedisResult> RunAsync(Scripting.RedisScript script, RedisValue[] values, CancellationToken cancellationToken) =>
        connection.EvaluateAsync(script, keys, values, cancellationToken);
}
