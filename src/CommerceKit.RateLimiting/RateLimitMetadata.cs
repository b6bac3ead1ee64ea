using System.Threading.RateLimiting;

namespace CommerceKit.RateLimiting;

/// <summary>
/// The metadata every CommerceKit lease carries besides <see cref="MetadataName.RetryAfter"/> (set when rejected) and
/// <see cref="MetadataName.ReasonPhrase"/> (set when rejected for a reason other than the limit, see
/// <see cref="RateLimitReasons"/>).
/// </summary>
public static class RateLimitMetadata
{
    /// <summary>
    /// Permits still available right after the decision; on a grant of the in-memory token bucket, whose leases are
    /// shared, as the bucket is when read.
    /// </summary>
    public static MetadataName<long> Remaining { get; } = MetadataName.Create<long>("COMMERCEKIT_REMAINING");

    /// <summary>
    /// How long until the policy's quota is fully available again; on a grant of the in-memory token bucket, counted
    /// from when it is read.
    /// </summary>
    public static MetadataName<TimeSpan> Reset { get; } = MetadataName.Create<TimeSpan>("COMMERCEKIT_RESET");

    /// <summary>The policy's permit limit.</summary>
    public static MetadataName<int> Limit { get; } = MetadataName.Create<int>("COMMERCEKIT_LIMIT");
}
