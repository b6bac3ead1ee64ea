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
}
