using CommerceKit;
using CommerceKit.Caching;
using CommerceKit.Caching.Distributed;
using CommerceKit.Redis.Caching;
using CommerceKit.Redis.Connection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Redis as the cache's second level.</summary>
public static class RedisCachingCommerceKitBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="ICacheAside"/> with this process's memory as the first level and Redis as the second: one
    /// factory call per key across every instance, values shared, set/remove/tag removal announced to every instance.
    /// While Redis is down the cache serves from memory and the factory, without errors. Requires <c>AddRedis()</c>.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="CachingOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddRedisCaching(this ICommerceKitBuilder builder, Action<CachingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<IDistributedCacheStore>(services => new RedisCacheStore(services.GetRequiredService<RedisConnection>()));
        return builder.AddCaching(configure);
    }
}
