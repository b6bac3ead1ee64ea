namespace CommerceKit.Caching.Engine;

/// <summary>
/// One value in the in-process cache, immutable once stored (a refresh stores a new entry). Times are
/// <see cref="TimeProvider.GetTimestamp"/> ticks: cheap to read on every hit, and faked in tests.
/// </summary>
internal sealed class CacheEntry
{
    // Past this many factory durations (times β) before expiry, the chance of an early refresh is below e^-10.
    private const double EarlyRefreshHorizon = 10;

    public CacheEntry(object? value, long created, long expires, long keepUntil, double earlyRefreshTicks, string[] tags, long[] tagVersions, bool isStale = false, string? version = null)
    {
        Value = value;
        Created = created;
        Expires = expires;
        KeepUntil = Math.Max(expires, keepUntil);
        EarlyRefreshTicks = earlyRefreshTicks;
        EarlyRefreshFrom = earlyRefreshTicks > 0 ? expires - (long)Math.Min(expires - created, earlyRefreshTicks * EarlyRefreshHorizon) : long.MaxValue;
        Tags = tags;
        TagVersions = tagVersions;
        IsStale = isStale;
        Version = version;
    }

    /// <summary>A removed key: a factory that started before the removal cannot store over it.</summary>
    public static CacheEntry Removed { get; } = new(null, 0, 0, 0, 0, [], []);

    public object? Value { get; }

    public long Created { get; }

    /// <summary>Fresh until then.</summary>
    public long Expires { get; }

    /// <summary>Kept (stale, for fail-safe) until then.</summary>
    public long KeepUntil { get; }

    /// <summary>The factory's duration times β, in ticks: the scale of early refresh (XFetch); 0 when off.</summary>
    public double EarlyRefreshTicks { get; }

    /// <summary>Before this tick an early refresh is practically impossible, so hits skip the random draw.</summary>
    public long EarlyRefreshFrom { get; }

    public string[] Tags { get; }

    /// <summary>The version of each tag when the value was made; a later version means it was removed by tag.</summary>
    public long[] TagVersions { get; }

    /// <summary>A stale value served again after a factory failure, until the fail-safe throttle ends.</summary>
    public bool IsStale { get; }

    /// <summary>With a second level: which write of the value this is, so an early refresh can name it as the one to replace.</summary>
    public string? Version { get; }

    public bool IsRemoved => ReferenceEquals(this, Removed);

    /// <summary>XFetch: refresh when now − δ·β·ln(random) ≥ expiry.</summary>
    public bool ShouldRefreshEarly(long now) =>
        now >= EarlyRefreshFrom && !IsStale && now - (EarlyRefreshTicks * Math.Log(Random.Shared.NextDouble())) >= Expires;
}
