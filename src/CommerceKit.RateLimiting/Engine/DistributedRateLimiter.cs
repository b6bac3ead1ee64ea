using System.Threading.RateLimiting;

namespace CommerceKit.RateLimiting.Engine;

/// <summary>A token bucket, sliding window or fixed window limiter on one backend key. Its leases hold nothing.</summary>
internal sealed class DistributedRateLimiter(RateLimiterProvider provider, string key, RateLimitPolicy policy)
    : StoreBackedRateLimiter(provider, key, policy)
{
    private readonly RateLimitCounter _counter = provider.Store.CreateCounter(key, policy);

    protected override long AvailablePermits => _counter.AvailablePermits ?? base.AvailablePermits;

    protected override RateLimitLease? TryGrantAtOnce(int permits) => _counter.TryGrantAtOnce(permits);

    protected override bool TryDecideNow(int permits, string? leaseId, out RateLimitDecision decision) => _counter.TryAcquireNow(permits, out decision);

    protected override ValueTask<RateLimitDecision> DecideOnceAsync(int permits, string? leaseId, CancellationToken cancellationToken) =>
        _counter.AcquireAsync(permits, cancellationToken);
}
