namespace CommerceKit.RateLimiting;

/// <summary>One decision of a rate-limit backend, made on the backend's clock.</summary>
/// <param name="IsGranted">Whether the permits were granted (and counted).</param>
/// <param name="Remaining">Permits still available right after the decision.</param>
/// <param name="RetryAfter">When rejected, how long until the same request can be admitted; zero when granted.</param>
/// <param name="Reset">How long until the policy's quota is fully available again.</param>
public readonly record struct RateLimitDecision(bool IsGranted, long Remaining, TimeSpan RetryAfter, TimeSpan Reset);
