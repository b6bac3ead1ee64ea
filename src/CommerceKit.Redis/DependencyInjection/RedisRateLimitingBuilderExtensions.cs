using CommerceKit.RateLimiting;
using CommerceKit.Redis.RateLimiting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps the rate limiters' counters in Redis.</summary>
public static class RedisRateLimitingBuilderExtensions
{
    /// <summary>
    /// Keeps the counters in Redis: one script per decision on the server's clock, exact across instances, keys that
    /// expire once idle. Requires <c>AddRedis()</c>; start-up fails without it.
    /// </summary>
    /// <param name="limits">The rate-limiting builder.</param>
    /// <returns>The builder.</returns>
    public static RateLimitingBuilder UseRedis(this RateLimitingBuilder limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Services.UseRedisStore<RateLimitStore, RedisRateLimitStore>();
        return limits;
    }
}
