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
}

internal sealed class TokenBucketState : MemoryKeyState
{
    public long TheoreticalArrival;
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
