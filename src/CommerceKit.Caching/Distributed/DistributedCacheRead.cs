namespace CommerceKit.Caching.Distributed;

/// <summary>What <see cref="DistributedCacheStore.ReadAsync"/> found.</summary>
public readonly struct DistributedCacheRead
{
    /// <summary>Creates a read outcome.</summary>
    /// <param name="status">Whether a fresh value was found, or the lease taken.</param>
    /// <param name="entry">The fresh value when <paramref name="status"/> is <see cref="DistributedCacheReadStatus.Found"/>.</param>
    public DistributedCacheRead(DistributedCacheReadStatus status, DistributedCacheEntry? entry)
    {
        Status = status;
        Entry = entry;
    }

    /// <summary>Whether a fresh value was found, or the lease taken.</summary>
    public DistributedCacheReadStatus Status { get; }

    /// <summary>The fresh value when <see cref="Status"/> is <see cref="DistributedCacheReadStatus.Found"/>.</summary>
    public DistributedCacheEntry? Entry { get; }
}

/// <summary>The outcome of a second-level read.</summary>
public enum DistributedCacheReadStatus
{
    /// <summary>No fresh value, and no lease was asked for.</summary>
    Missing,

    /// <summary>A fresh value.</summary>
    Found,

    /// <summary>No fresh value; the caller now owns the load lease and should run the factory.</summary>
    Leased,

    /// <summary>No fresh value; another owner holds the lease, so its value will follow.</summary>
    LoadRunning,
}
