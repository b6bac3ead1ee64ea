using CommerceKit.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Caching;

/// <summary>
/// Configures the cache inside <c>AddCaching(caching =&gt; …)</c>. Values live in this process's memory only unless a
/// second level shared by every instance is chosen (<c>UseRedis()</c> or <c>UseStore&lt;TStore&gt;()</c>).
/// </summary>
public sealed class CachingBuilder : FeatureBuilder<CachingBuilder, DistributedCacheStore, CachingOptions>
{
    internal CachingBuilder(IServiceCollection services)
        : base(services)
    {
    }
}
