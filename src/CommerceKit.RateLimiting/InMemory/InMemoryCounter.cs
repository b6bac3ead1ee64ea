using System.Threading.RateLimiting;

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
                    decision = Decide(state, store.Now, permits);
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
internal sealed class TokenBucketCounter : RateLimitCounter
{
    private readonly InMemoryRateLimitStore _store;
    private readonly string _key;
    private readonly TokenBucketPolicy _policy;
    private readonly long _interval;
    private readonly long _tolerance;
    private readonly GrantedTokenBucketLease _granted;
    private TokenBucketState _state;

    public TokenBucketCounter(InMemoryRateLimitStore store, string key, TokenBucketPolicy policy)
    {
        _store = store;
        _key = key;
        _policy = policy;
        _interval = (long)policy.EmissionInterval.TotalMicroseconds;
        _tolerance = _interval * policy.PermitLimit;
        _granted = new GrantedTokenBucketLease(this, policy.PermitLimit);
        _state = store.Attach<TokenBucketState>(key);
    }

    public override long? AvailablePermits => Peek().Remaining;

    // One clock read and one compare-and-swap; the shared lease works its metadata out only when asked. A refusal is
    // decided again by TryAcquireNow, which builds the rejection with its RetryAfter.
    public override RateLimitLease? TryGrantAtOnce(int permits)
    {
        var state = _state;
        while (permits > 0)
        {
            var seen = Volatile.Read(ref state.TheoreticalArrival);
            if (seen == TokenBucketState.RemovedMarker
                || !RateLimitMath.TryTake(seen, _store.Now, permits, _interval, _tolerance, out var next))
            {
                return null;
            }

            if (Interlocked.CompareExchange(ref state.TheoreticalArrival, next, seen) == seen)
            {
                return _granted;
            }
        }

        return null;
    }

    /// <summary>The bucket as it is now, without taking from it.</summary>
    internal RateLimitDecision Peek()
    {
        var arrival = Volatile.Read(ref _state.TheoreticalArrival);
        if (arrival == TokenBucketState.RemovedMarker)
        {
            _state = _store.Attach<TokenBucketState>(_key);
            arrival = Volatile.Read(ref _state.TheoreticalArrival);
        }

        // A swept state reads as a full bucket, which is what it was.
        return RateLimitMath.TokenBucket(ref arrival, _store.Now, 0, _interval, _policy.PermitLimit);
    }

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
                _state = _store.Attach<TokenBucketState>(_key);
                continue;
            }

            var arrival = seen;
            decision = RateLimitMath.TokenBucket(ref arrival, _store.Now, permits, _interval, _policy.PermitLimit);
            if (arrival == seen || Interlocked.CompareExchange(ref state.TheoreticalArrival, arrival, seen) == seen)
            {
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
