namespace CommerceKit.RateLimiting;

/// <summary>One decision of a rate-limit backend, made on the backend's clock.</summary>
/// <param name="IsGranted">Whether the permits were granted (and counted).</param>
/// <param name="Remaining">Permits still available right after the decision.</param>
/// <param name="RetryAfter">When rejected, how long until the same request can be admitted; zero when granted.</param>
/// <param name="Reset">How long until the policy's quota is fully available again.</param>
public readonly record struct RateLimitDecision(bool IsGranted, long Remaining, TimeSpan RetryAfter, TimeSpan Reset)
{
    /// <summary>A decision from a backend that counts in microseconds; negative durations count as zero.</summary>
    /// <param name="isGranted">Whether the permits were granted.</param>
    /// <param name="remaining">Permits still available right after the decision.</param>
    /// <param name="retryAfterMicroseconds">When rejected, microseconds until the request can be admitted.</param>
    /// <param name="resetMicroseconds">Microseconds until the quota is fully available again.</param>
    /// <returns>The decision.</returns>
    public static RateLimitDecision FromMicroseconds(bool isGranted, long remaining, long retryAfterMicroseconds, long resetMicroseconds) =>
        new(isGranted, remaining, TimeSpan.FromMicroseconds(Math.Max(0, retryAfterMicroseconds)), TimeSpan.FromMicroseconds(Math.Max(0, resetMicroseconds)));
}
