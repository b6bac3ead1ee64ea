using System.Collections.Concurrent;

namespace CommerceKit.RateLimiting.InMemory;

/// <summary>
/// Rate-limit state in this process's memory, on its monotonic clock: exact for one instance, shared by nothing
/// else. Decides synchronously, so <c>AttemptAcquire</c> works. Keys whose state can no longer affect a decision are
/// swept as new keys arrive, so idle partitions do not accumulate.
/// </summary>
internal sealed class InMemoryRateLimitStore : RateLimitStore
{
    private const int FirstSweepAt = 1024;

    private readonly ConcurrentDictionary<string, MemoryKeyState> _keys = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly long _frequency;
    private readonly bool _systemClock;
    private readonly Func<long>? _laggingClock;
    private int _sweepAt = FirstSweepAt;

    public InMemoryRateLimitStore(TimeProvider timeProvider)
        : base("memory")
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _frequency = timeProvider.TimestampFrequency;
        _systemClock = ReferenceEquals(timeProvider, TimeProvider.System);
    }

    /// <summary>
    /// A store whose <see cref="RecentNow"/> is <paramref name="laggingClock"/> (microseconds, never ahead of
    /// <paramref name="timeProvider"/>), for tests of what a lagging clock may change.
    /// </summary>
    internal InMemoryRateLimitStore(TimeProvider timeProvider, Func<long> laggingClock)
        : this(timeProvider)
    {
        _laggingClock = laggingClock;
    }

    /// <summary>Keys with live state, for tests of the sweep.</summary>
    internal int KeyCount => _keys.Count;

    /// <summary>
    /// Now on this process's monotonic clock, in microseconds. Providers other than <see cref="TimeProvider.System"/>
    /// (a <c>FakeTimeProvider</c> in tests) are read through <see cref="TimeProvider.GetTimestamp"/>.
    /// </summary>
    internal long Now => _systemClock ? TickingClock.Precise : FromTimestamp(_timeProvider.GetTimestamp());

    /// <summary>
    /// <see cref="Now"/> as of up to a few milliseconds ago (see <see cref="TickingClock"/>), for the token bucket's
    /// grants only: a lagging clock is safe there and nowhere else.
    /// </summary>
    internal long RecentNow => _systemClock ? TickingClock.Shared.Recent : _laggingClock?.Invoke() ?? Now;

    private long FromTimestamp(long timestamp) => TickingClock.ToMicroseconds(timestamp, _frequency);

    public override RateLimitCounter CreateCounter(string key, RateLimitPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy switch
        {
            TokenBucketPolicy bucket => new TokenBucketCounter(this, "tb:" + key, bucket),
            FixedWindowPolicy fixedWindow => new FixedWindowCounter(this, "fw:" + key, fixedWindow),
            SlidingWindowPolicy sliding => new SlidingWindowCounter(this, "sw:" + key, sliding),
            _ => throw new ArgumentException($"A {policy.GetType().Name} needs a concurrency counter.", nameof(policy)),
        };
    }

    public override ConcurrencyCounter CreateConcurrencyCounter(string key, ConcurrencyPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new InMemoryConcurrencyCounter(this, "cc:" + key, policy);
    }

    /// <summary>The live state of <paramref name="key"/>, created when there is none.</summary>
    internal TState Attach<TState>(string key)
        where TState : MemoryKeyState, new()
    {
        if (_keys.Count >= Volatile.Read(ref _sweepAt))
        {
            Sweep();
        }

        return (TState)_keys.GetOrAdd(key, static _ => new TState());
    }

    private void Sweep()
    {
        var now = Now;
        foreach (var (key, state) in _keys)
        {
            if (state.TryExpire(now))
            {
                _keys.TryRemove(new KeyValuePair<string, MemoryKeyState>(key, state));
            }
        }

        Volatile.Write(ref _sweepAt, Math.Max(FirstSweepAt, _keys.Count * 2));
    }
}
