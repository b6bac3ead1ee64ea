using System.Threading.RateLimiting;

namespace CommerceKit.RateLimiting.Engine;

/// <summary>
/// A distributed semaphore on one backend key: a granted lease holds its permits, renews them every third of the
/// policy's lifetime, and returns them when disposed.
/// </summary>
internal sealed class DistributedConcurrencyLimiter(RateLimiterProvider provider, string key, ConcurrencyPolicy policy)
    : StoreBackedRateLimiter(provider, key, policy)
{
    private readonly ConcurrencyCounter _counter = provider.Store.CreateConcurrencyCounter(key, policy);
    private int _held;

    /// <summary>Never idle while a lease is held: dropping the limiter would stop its renewals.</summary>
    public override TimeSpan? IdleDuration => Volatile.Read(ref _held) > 0 ? null : base.IdleDuration;

    protected override string? NewLeaseId() => Guid.NewGuid().ToString("N");

    protected override bool TryDecideNow(int permits, string? leaseId, out RateLimitDecision decision) =>
        _counter.TryAcquireNow(leaseId!, permits, out decision);

    protected override ValueTask<RateLimitDecision> DecideOnceAsync(int permits, string? leaseId, CancellationToken cancellationToken) =>
        _counter.AcquireAsync(leaseId!, permits, cancellationToken);

    protected override RateLimitLease Hold(RateLimitDecision decision, string leaseId)
    {
        Interlocked.Increment(ref _held);
        return new ConcurrencyLease(this, leaseId, decision);
    }

    private sealed class ConcurrencyLease : DecisionLease
    {
        private readonly DistributedConcurrencyLimiter _limiter;
        private readonly string _leaseId;
        private readonly ITimer _renewal;
        private int _disposed;

        public ConcurrencyLease(DistributedConcurrencyLimiter limiter, string leaseId, RateLimitDecision decision)
            : base(true, decision, limiter.Policy.PermitLimit, null)
        {
            _limiter = limiter;
            _leaseId = leaseId;
            var every = ((ConcurrencyPolicy)limiter.Policy).LeaseLifetime / 3;
            _renewal = limiter.Provider.TimeProvider.CreateTimer(static state => _ = ((ConcurrencyLease)state!).RenewAsync(), this, every, every);
        }

        protected override void Dispose(bool disposing)
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            _renewal.Dispose();
            Interlocked.Decrement(ref _limiter._held);

            // Dispose is synchronous and must not block on the network: the permits go back in the background, and
            // expire with the lease should that fail.
            _ = ReleaseAsync();
        }

        private async Task ReleaseAsync()
        {
            try
            {
                await _limiter._counter.ReleaseAsync(_leaseId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (BackendUnavailableException exception)
            {
                RateLimitLog.ReleaseFailed(_limiter.Provider.Logger, _limiter.Key, exception);
            }
        }

        private async Task RenewAsync()
        {
            try
            {
                await _limiter._counter.RenewAsync(_leaseId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (BackendUnavailableException exception)
            {
                RateLimitLog.RenewalFailed(_limiter.Provider.Logger, _limiter.Key, exception);
            }
        }
    }
}
