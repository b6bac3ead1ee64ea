using CommerceKit.Caching;
using CommerceKit.ConformanceTests.Fixtures;

namespace CommerceKit.ConformanceTests.Caching;

/// <summary>One cache configuration as the conformance suite sees it: the caches of separate application instances.</summary>
public abstract class CacheBackend : BackendInstances
{
    /// <summary>Starts an instance with its own services (and, with a second level, its own connection).</summary>
    public ICacheAside CreateCache(Action<CachingOptions>? configure = null)
    {
        var instance = CreateInstance(builder => AddBackend(builder, configure ?? (_ => { })));
        return (ICacheAside)instance.GetService(typeof(ICacheAside))!;
    }

    /// <summary>Registers the cache, passing <paramref name="configure"/> on.</summary>
    protected abstract void AddBackend(ICommerceKitBuilder builder, Action<CachingOptions> configure);
}
