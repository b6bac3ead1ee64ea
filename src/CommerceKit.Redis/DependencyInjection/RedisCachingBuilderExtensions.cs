using CommerceKit.Caching;
using CommerceKit.Caching.Distributed;
using CommerceKit.Redis.Caching;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes Redis the cache's second level.</summary>
public static class RedisCachingBuilderExtensions
{
    /// <summary>
    /// Keeps this process's memory as the first level and makes Redis the second: one factory call per key across every
    /// instance, values shared, set/remove/tag removal announced to every instance. While Redis is down the cache
    /// serves from memory and the factory, without errors. Requires <c>AddRedis()</c>; start-up fails without it.
    /// </summary>
    /// <param name="caching">The caching builder.</param>
    /// <returns>The builder.</returns>
    public static CachingBuilder UseRedis(this CachingBuilder caching)
    {
        ArgumentNullException.ThrowIfNull(caching);
        caching.Services.UseRedisStore<DistributedCacheStore, RedisCacheStore>();
        return caching;
    }
}
