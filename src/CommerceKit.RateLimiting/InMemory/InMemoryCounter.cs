namespace CommerceKit.RateLimiting.InMemory;

/// <summary>A counter on one key's in-memory state; decisions are synchronous and run under the state's gate.</summary>
internal abstract class InMemoryCounter<TState>(InMemoryRateLimitStore store, string key) : RateLimitCounter
    where TState : MemoryKeyState, new()
{
    private TState _state = store.Attach<TState>(key);

    public sealed override ValueTask<RateLimitDecision> AcquireAsync(int permits, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TryAcquireNow(permits, out var decision);
        return ValueTask.FromResult(decision);
    }

    public sealed override bool TryAcquireNow(int permits, out RateLimitDecision decision)
    {
        while (true)
        {
            var state = _state;
            lock (state.Gate)
            {
                if (!state.Removed)
                {
                    decision = store.Padded(Decide(state, store.Now, permits));
                    return true;
                }
            }

            _state = store.Attach<TState>(key);
        }
    }

    /// <summary>Decides and, when granting, updates the state and its expiry.</summary>
    protected abstract RateLimitDecision Decide(TState state, long now, int permits);
}

/// <summary>
/// A token bucket: GCRA keeps one number, so a decision is a compare-and-swap instead of a lock (the in-memory
/// decision competes with <c>TokenBucketRateLimiter</c>, which never reads a clock).
/// </summary>
internal sealed class TokenBucketCounter(InMemoryRateLimitStore store, string key, TokenBucketPolicy policy) : RateLimitCounter
{
    private readonly long _interval = (long)policy.EmissionInterval.TotalMicroseconds;
    private TokenBucketState _state = store.Attach<TokenBucketState>(key);

    public override ValueTask<RateLimitDecision> AcquireAsync(int permits, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TryAcquireNow(permits, out var decision);
        return ValueTask.FromResult(decision);
    }

    public override bool TryAcquireNow(int permits, out RateLimitDecision decision)
    {
        while (true)
        {
            var state = _state;
            var seen = Volatile.Read(ref state.TheoreticalArrival);
            if (seen == TokenBucketState.RemovedMarker)
            {
                _state = store.Attach<TokenBucketState>(key);
                continue;
            }

            var arrival = seen;
            decision = RateLimitMath.TokenBucket(ref arrival, store.Now, permits, _interval, policy.PermitLimit);
            if (arrival == seen || Interlocked.CompareExchange(ref state.TheoreticalArrival, arrival, seen) == seen)
            {
                decision = store.Padded(decision);
                return true;
            }
        }
    }
}

internal sealed class FixedWindowCounter(InMemoryRateLimitStore store, string key, FixedWindowPolicy policy)
    : InMemoryCounter<FixedWindowState>(store, key)
{
    private readonly long _window = (long)policy.Length.TotalMicroseconds;

    protected override RateLimitDecision Decide(FixedWindowState state, long now, int permits)
    {
        var decision = RateLimitMath.FixedWindow(ref state.WindowStart, ref state.Count, now, permits, _window, policy.PermitLimit);
        state.ExpiresAt = state.WindowStart + _window;
        return decision;
    }
}

internal sealed class SlidingWindowCounter(InMemoryRateLimitStore store, string key, SlidingWindowPolicy policy)
    : InMemoryCounter<SlidingWindowState>(store, key)
{
    private readonly long _window = (long)policy.Length.TotalMicroseconds;

    protected override RateLimitDecision Decide(SlidingWindowState state, long now, int permits)
    {
        var decision = RateLimitMath.SlidingWindow(state.Log, now, permits, _window, policy.PermitLimit);
        state.ExpiresAt = state.Log.NewestAt + _window;
        return decision;
    }
}
