using CommerceKit;
using CommerceKit.RateLimiting;
using CommerceKit.Redis.RateLimiting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis rate limiter.</summary>
public static class RedisRateLimitingCommerceKitBuilderExtensions
{
    /// <summary>
    /// Makes Redis the backend of <see cref="IRateLimiterProvider"/>: one script per decision on the server's clock,
    /// exact across instances, keys that expire once idle. Requires <c>AddRedis()</c>.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddRedisRateLimiter(this ICommerceKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRateLimiter<RedisRateLimitStore>();
    }
}
