using System.Threading.RateLimiting;

namespace CommerceKit.RateLimiting;

/// <summary>
/// Creates rate limiters whose state lives in the configured backend, so every instance of the app shares them.
/// They are ordinary <see cref="RateLimiter"/>s: ASP.NET Core's <c>AddRateLimiter</c>, Polly's rate-limiter strategy
/// and anything else that takes one can use them.
/// </summary>
public interface IRateLimiterProvider
{
    /// <summary>The backend the limiters keep their state in, for telemetry: <c>memory</c>, <c>redis</c>, <c>postgresql</c>.</summary>
    string BackendName { get; }

    /// <summary>Creates a limiter for one shared key.</summary>
    /// <param name="key">The key every instance shares, for example <c>orders:customer-42</c>; validated by <see cref="KeyGuard"/>.</param>
    /// <param name="policy">What the limiter enforces.</param>
    /// <returns>The limiter. Disposing it releases nothing held by other instances.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not a valid key.</exception>
    RateLimiter CreateLimiter(string key, RateLimitPolicy policy);

    /// <summary>
    /// Creates a limiter with one partition per key <paramref name="partitionKey"/> returns, each shared by every
    /// instance under <c>{name}:{partition}</c>. Idle partitions are dropped from this process after 10 seconds; their
    /// backend state expires by itself.
    /// </summary>
    /// <typeparam name="TResource">What a request is about, for example an <c>HttpContext</c>.</typeparam>
    /// <param name="name">The limiter's name, the first part of every key.</param>
    /// <param name="policy">What each partition enforces.</param>
    /// <param name="partitionKey">The partition of a resource; it must be a valid key (see <see cref="KeyGuard"/>).</param>
    /// <returns>The partitioned limiter.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid key.</exception>
    PartitionedRateLimiter<TResource> CreatePartitionedLimiter<TResource>(string name, RateLimitPolicy policy, Func<TResource, string> partitionKey);
}
