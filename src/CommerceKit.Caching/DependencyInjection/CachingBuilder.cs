using CommerceKit.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CommerceKit.Caching;

/// <summary>
/// Configures the cache inside <c>AddCaching(caching => …)</c>: its options and its second level. Values live in this
/// process's memory only unless a second level shared by every instance is chosen (<c>UseRedis()</c> or
/// <see cref="UseStore{TStore}"/>).
/// </summary>
public sealed class CachingBuilder
{
    internal CachingBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection, for backend packages that extend this builder.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Configures <see cref="CachingOptions"/> (validated when the host starts).</summary>
    /// <param name="configure">Sets the options.</param>
    /// <returns>This builder.</returns>
    public CachingBuilder Configure(Action<CachingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Uses <typeparamref name="TStore"/>, a backend of your own (resolved from DI), as the second level.</summary>
    /// <typeparam name="TStore">The store; it must pass the caching conformance suite.</typeparam>
    /// <returns>This builder.</returns>
    public CachingBuilder UseStore<TStore>()
        where TStore : DistributedCacheStore
    {
        Services.Replace(ServiceDescriptor.Singleton<DistributedCacheStore, TStore>());
        return this;
    }
}
