using CommerceKit.Caching;
using CommerceKit.Caching.Engine;
using CommerceKit.ConformanceTests.Caching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommerceKit.Tests.Caching;

public sealed class InMemoryCachingTests : CachingConformanceTests
{
    protected override CacheBackend CreateBackend() => new InMemoryCacheBackend();

    /// <summary>Without a second level, instances share values only within one cache, as the tasks of one process do.</summary>
    private sealed class InMemoryCacheBackend : CacheBackend
    {
        private CacheAside? _shared;

        protected override void AddBackend(ICommerceKitBuilder builder, Action<CachingOptions> configure)
        {
            if (_shared is null)
            {
                var options = new CachingOptions();
                configure(options);
                _shared = new CacheAside(Options.Create(options), TimeProvider.System);
            }

            builder.Services.AddSingleton<ICacheAside>(_shared);
            builder.AddCaching(caching => caching.Configure(configure));
        }
    }
}
