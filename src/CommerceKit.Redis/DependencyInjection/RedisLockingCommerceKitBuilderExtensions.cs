using CommerceKit;
using CommerceKit.Locking;
using CommerceKit.Redis.Connection;
using CommerceKit.Redis.Locking;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis distributed lock.</summary>
public static class RedisLockingCommerceKitBuilderExtensions
{
    /// <summary>
    /// Makes Redis the backend of <see cref="IDistributedLockProvider"/> (one round trip to acquire, renew or release;
    /// waiters woken by pub/sub) and registers <see cref="RedisFencedWrites"/>. Requires <c>AddRedis()</c>.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="DistributedLockOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddRedisLocks(this ICommerceKitBuilder builder, Action<DistributedLockOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(services => new RedisFencedWrites(services.GetRequiredService<RedisConnection>()));
        return builder.AddLocks<RedisLockLeaseStore>(configure);
    }
}
