namespace CommerceKit.RateLimiting.InMemory;

/// <summary>
/// The state of one key. A swept state is marked <see cref="Removed"/> under its gate, so a counter still holding
/// it attaches to the key's new state instead of deciding on a forgotten one.
/// </summary>
internal abstract class MemoryKeyState
{
    public Lock Gate { get; } = new();

    public bool Removed { get; set; }

    /// <summary>When the state stops affecting decisions, in microseconds of the store's clock.</summary>
    public long ExpiresAt { get; set; }

    /// <summary>Marks the state removed when it no longer affects decisions at <paramref name="now"/>.</summary>
    public virtual bool TryExpire(long now)
    {
        lock (Gate)
        {
            if (Removed || ExpiresAt > now)
            {
                return false;
            }

            Removed = true;
            return true;
        }
    }
}

/// <summary>GCRA's one number, updated without a lock; <see cref="RemovedMarker"/> marks a swept state.</summary>
internal sealed class TokenBucketState : MemoryKeyState
{
    public const long RemovedMarker = long.MinValue;

    public long TheoreticalArrival;

    public override bool TryExpire(long now)
    {
        var arrival = Volatile.Read(ref TheoreticalArrival);
        return arrival != RemovedMarker && arrival <= now
            && Interlocked.CompareExchange(ref TheoreticalArrival, RemovedMarker, arrival) == arrival;
    }
}

internal sealed class FixedWindowState : MemoryKeyState
{
    public long WindowStart = long.MinValue;
    public long Count;
}

internal sealed class SlidingWindowState : MemoryKeyState
{
    public SlidingLog Log { get; } = new();
}

internal sealed class ConcurrencyState : MemoryKeyState
{
    public Dictionary<string, (int Permits, long ExpiresAt)> Leases { get; } = new(StringComparer.Ordinal);
}
