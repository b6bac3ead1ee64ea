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
    private int _sweepAt = FirstSweepAt;

    public InMemoryRateLimitStore(TimeProvider timeProvider)
        : base("memory")
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _frequency = timeProvider.TimestampFrequency;
    }

    /// <summary>Keys with live state, for tests of the sweep.</summary>
    internal int KeyCount => _keys.Count;

    /// <summary>Now on the <see cref="TimeProvider"/>'s monotonic clock, in microseconds.</summary>
    internal long Now => ToMicroseconds(_timeProvider.GetTimestamp(), _frequency);

    /// <summary>A timestamp of a clock that ticks <paramref name="frequency"/> times a second, in microseconds.</summary>
    /// <remarks>Integers: a double would round large timestamps.</remarks>
    internal static long ToMicroseconds(long timestamp, long frequency) =>
        (timestamp / frequency * 1_000_000) + (timestamp % frequency * 1_000_000 / frequency);

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
