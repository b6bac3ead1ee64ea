namespace CommerceKit.RateLimiting.InMemory;

/// <summary>Concurrency leases in memory, each expiring unless renewed.</summary>
internal sealed class InMemoryConcurrencyCounter(InMemoryRateLimitStore store, string key, ConcurrencyPolicy policy) : ConcurrencyCounter
{
    private readonly long _lifetime = (long)policy.LeaseLifetime.TotalMicroseconds;
    private ConcurrencyState _state = store.Attach<ConcurrencyState>(key);

    public override ValueTask<RateLimitDecision> AcquireAsync(string leaseId, int permits, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TryAcquireNow(leaseId, permits, out var decision);
        return ValueTask.FromResult(decision);
    }

    public override bool TryAcquireNow(string leaseId, int permits, out RateLimitDecision decision)
    {
        decision = Update(leases =>
        {
            var held = leases.Values.Sum(lease => lease.Permits);
            if (held + Math.Max(permits, 1) > policy.PermitLimit)
            {
                return new RateLimitDecision(false, policy.PermitLimit - held, policy.RetryInterval, TimeSpan.Zero);
            }

            if (permits > 0)
            {
                leases[leaseId] = (permits, store.Now + _lifetime);
                held += permits;
            }

            return new RateLimitDecision(true, policy.PermitLimit - held, TimeSpan.Zero, TimeSpan.Zero);
        });
        return true;
    }

    public override ValueTask<bool> RenewAsync(string leaseId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Update(leases =>
        {
            if (!leases.TryGetValue(leaseId, out var lease))
            {
                return false;
            }

            leases[leaseId] = lease with { ExpiresAt = store.Now + _lifetime };
            return true;
        }));
    }

    public override ValueTask ReleaseAsync(string leaseId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Update(leases => leases.Remove(leaseId));
        return ValueTask.CompletedTask;
    }

    // Runs one operation on the live leases, expired ones dropped first.
    private T Update<T>(Func<Dictionary<string, (int Permits, long ExpiresAt)>, T> operation)
    {
        while (true)
        {
            var state = _state;
            lock (state.Gate)
            {
                if (!state.Removed)
                {
                    var now = store.Now;
                    foreach (var (id, lease) in state.Leases)
                    {
                        if (lease.ExpiresAt <= now)
                        {
                            state.Leases.Remove(id);
                        }
                    }

                    var result = operation(state.Leases);
                    state.ExpiresAt = state.Leases.Count == 0 ? 0 : state.Leases.Values.Max(lease => lease.ExpiresAt);
                    return result;
                }
            }

            _state = store.Attach<ConcurrencyState>(key);
        }
    }
}
