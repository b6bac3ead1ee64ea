namespace CommerceKit.Caching.Distributed;

/// <summary>A value as the second level holds it: serialized, with the lifetimes every instance derives its copy from.</summary>
public sealed class DistributedCacheEntry
{
    /// <summary>The serialized value.</summary>
    public required ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Identifies this write of the value: a reader replacing it names it as stale.</summary>
    public required string Version { get; init; }

    /// <summary>How long ago the value was written, on the backend's clock (0 when writing).</summary>
    public TimeSpan Age { get; init; }

    /// <summary>How long after it was written the value is fresh.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>How long after it was written the value is kept at all (fail-safe); at least <see cref="Duration"/>.</summary>
    public required TimeSpan KeepFor { get; init; }

    /// <summary>How long the factory took to make the value: the scale of early refresh on every instance.</summary>
    public TimeSpan FactoryDuration { get; init; }

    /// <summary>The value's tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The version of each tag when the value was made (from <see cref="DistributedCacheStore.GetTagVersionsAsync"/>).</summary>
    public IReadOnlyList<long> TagVersions { get; init; } = [];
}
