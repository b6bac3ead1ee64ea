using CommerceKit;
using CommerceKit.Idempotency;
using CommerceKit.Redis.Idempotency;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis idempotency store.</summary>
public static class RedisIdempotencyCommerceKitBuilderExtensions
{
    /// <summary>
    /// Makes Redis the backend of <see cref="IIdempotencyExecutor"/>: one round trip to claim (or replay), one to
    /// complete or release; records expire on the server. Requires <c>AddRedis()</c>.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="IdempotencyOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddRedisIdempotency(this ICommerceKitBuilder builder, Action<IdempotencyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddIdempotency<RedisIdempotencyStore>(configure);
    }
}
