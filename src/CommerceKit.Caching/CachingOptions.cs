using System.ComponentModel.DataAnnotations;

namespace CommerceKit.Caching;

/// <summary>Options of the cache.</summary>
public sealed class CachingOptions
{
    /// <summary>The options of entries whose calls pass none.</summary>
    /// <value>The default value is 5 minutes' duration, no fail-safe, no timeouts, early refresh with β = 1.</value>
    [Required]
    public CacheEntryOptions DefaultEntryOptions { get; set; } = new();

    /// <summary>The most entries the in-process cache keeps; beyond it, the entries closest to expiry are dropped first.</summary>
    /// <value>The default value is 100,000.</value>
    [Range(1, int.MaxValue)]
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>How often the in-process cache drops entries that expired past their fail-safe time or were removed by tag.</summary>
    /// <value>The default value is 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// With a second level: how long the instance loading a key holds its cluster-wide lease. Should exceed the slowest
    /// factory; if the loader dies, the key is loaded again when the lease ends.
    /// </summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan DistributedLoadLease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// With a second level: how long an instance waits for another instance's load of a key before it runs the factory
    /// itself (without sharing the value). Callers with a stale value and a timeout get the stale value sooner.
    /// </summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan DistributedLoadWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// With a second level: how long one call to it may take before the cache stops waiting and carries on with memory
    /// and the factory, as during an outage.
    /// </summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan DistributedOperationTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
