namespace CommerceKit.Caching;

/// <summary>How long and how an entry is kept. Immutable: share one instance between calls.</summary>
public sealed class CacheEntryOptions
{
    /// <summary>How long a value is fresh.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The tags of the entry: <see cref="ICacheAside.RemoveByTagAsync"/> of any of them removes it.</summary>
    /// <value>The default value is no tags.</value>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>
    /// With a second level: how long this instance's memory treats the value as fresh before it reads the second level
    /// again (never longer than <see cref="Duration"/>). A shorter time bounds how long an instance that missed an
    /// invalidation notice (cut off from Redis) serves the old value. <see langword="null"/> uses <see cref="Duration"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? LocalDuration { get; init; }

    /// <summary>
    /// How long after it was made an expired value is still kept, to be served (stale) when the factory fails or times
    /// out. <see cref="TimeSpan.Zero"/> turns fail-safe off: a failing factory's exception reaches the caller.
    /// </summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/> (off).</value>
    public TimeSpan FailSafeMaxDuration { get; init; }

    /// <summary>After a factory failure, how long the stale value is served before the factory is tried again.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan FailSafeThrottleDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When a stale value exists, how long a caller waits for the factory before it gets the stale value; the factory
    /// finishes in the background and updates the cache. <see langword="null"/> waits for the factory.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? SoftTimeout { get; init; }

    /// <summary>
    /// How long a caller waits for the factory at most: then it gets the stale value if there is one, else a
    /// <see cref="TimeoutException"/>. The factory still finishes in the background and fills the cache.
    /// <see langword="null"/> waits for the factory.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? HardTimeout { get; init; }

    /// <summary>
    /// The β of probabilistic early refresh (XFetch): a read refreshes the value in the background with a probability
    /// that rises as expiry nears, the sooner the slower the factory was; 0 turns it off. 1 refreshes a hot key about
    /// once per duration, shortly before it expires.
    /// </summary>
    /// <value>The default value is 1.</value>
    public double EarlyRefreshBeta { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="paramName"/> when a value is out of range.</summary>
    internal CacheEntryOptions Validated(string paramName)
    {
        if (Duration <= TimeSpan.Zero || FailSafeMaxDuration < TimeSpan.Zero || FailSafeThrottleDuration <= TimeSpan.Zero
            || LocalDuration <= TimeSpan.Zero || SoftTimeout <= TimeSpan.Zero || HardTimeout <= TimeSpan.Zero || !(EarlyRefreshBeta >= 0) || double.IsInfinity(EarlyRefreshBeta))
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                "Cache entry options need a positive Duration, FailSafeThrottleDuration, LocalDuration, SoftTimeout and HardTimeout (when set), a FailSafeMaxDuration not negative, and a finite EarlyRefreshBeta not negative.");
        }

        if (Tags is null)
        {
            throw new ArgumentNullException(paramName, "Tags must not be null; leave them empty.");
        }

        foreach (var tag in Tags)
        {
            KeyGuard.ThrowIfInvalid(tag, paramName);
        }

        return this;
    }
}
