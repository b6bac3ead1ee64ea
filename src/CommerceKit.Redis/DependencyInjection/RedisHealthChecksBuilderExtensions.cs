using CommerceKit.Redis.Connection;
using CommerceKit.Redis.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a health check of CommerceKit's Redis connection.</summary>
public static class RedisHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check that is healthy when Redis answers a PING through CommerceKit's shared connection
    /// (registered by <c>AddCommerceKit().AddRedis(…)</c>).
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags to filter on, for example <c>"ready"</c>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCommerceKitRedis(this IHealthChecksBuilder builder, string name = "commercekit-redis", params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            static services => new RedisHealthCheck(services.GetRequiredService<RedisConnection>()),
            failureStatus: null,
            tags));
    }
}
