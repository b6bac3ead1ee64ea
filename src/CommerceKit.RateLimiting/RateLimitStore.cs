namespace CommerceKit.RateLimiting;

/// <summary>
/// The port a rate-limit backend implements: counters that decide on the backend's clock, one round trip per
/// decision, and state that expires once it can no longer affect a decision. The limiters handed out by
/// <see cref="IRateLimiterProvider"/> add leases, queueing, the failure policy and telemetry on top.
/// </summary>
/// <remarks>Every operation turns an outage into <see cref="BackendUnavailableException"/>.</remarks>
public abstract class RateLimitStore
{
    /// <summary>Creates the store.</summary>
    /// <param name="backendName">The backend, for telemetry: <c>memory</c>, <c>redis</c>, <c>postgresql</c>.</param>
    protected RateLimitStore(string backendName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendName);
        BackendName = backendName;
    }

    /// <summary>The backend, for telemetry.</summary>
    public string BackendName { get; }

    /// <summary>Creates the counter of one key under a token bucket, sliding window or fixed window policy.</summary>
    /// <param name="key">The key, already validated by <see cref="KeyGuard"/>.</param>
    /// <param name="policy">The policy; never a <see cref="ConcurrencyPolicy"/>.</param>
    /// <returns>The counter.</returns>
    public abstract RateLimitCounter CreateCounter(string key, RateLimitPolicy policy);

    /// <summary>Creates the counter of one key under a concurrency policy.</summary>
    /// <param name="key">The key, already validated by <see cref="KeyGuard"/>.</param>
    /// <param name="policy">The policy.</param>
    /// <returns>The counter.</returns>
    public abstract ConcurrencyCounter CreateConcurrencyCounter(string key, ConcurrencyPolicy policy);
}
