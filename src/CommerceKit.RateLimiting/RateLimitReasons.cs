namespace CommerceKit.RateLimiting;

/// <summary>The <c>ReasonPhrase</c> metadata of leases rejected for a reason other than the limit itself.</summary>
public static class RateLimitReasons
{
    /// <summary>The backend could not be reached and the policy fails closed.</summary>
    public const string BackendUnavailable = "backend_unavailable";

    /// <summary>The limiter's queue (<see cref="RateLimitPolicy.QueueLimit"/>) is full.</summary>
    public const string QueueFull = "queue_full";

    /// <summary>
    /// <c>AttemptAcquire</c> was called on a limiter whose backend is remote: it never blocks on the network, so it
    /// rejects and <c>AcquireAsync</c> must be used (ASP.NET Core's middleware falls back to it by itself).
    /// </summary>
    public const string RequiresAsync = "requires_async";
}
