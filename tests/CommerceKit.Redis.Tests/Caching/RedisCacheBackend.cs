using CommerceKit.Caching;
using CommerceKit.ConformanceTests.Caching;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Redis.Tests.Caching;

/// <summary>Memory in front of Redis (one server or a cluster, named by its configuration string).</summary>
internal sealed class RedisCacheBackend(string configuration) : CacheBackend
{
    protected override void AddBackend(ICommerceKitBuilder builder, Action<CachingOptions> configure) =>
        builder.AddRedis(o => o.Configuration = configuration).AddCaching(caching => caching.UseRedis().Configure(configure));
}
