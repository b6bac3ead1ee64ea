using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CommerceKit.RateLimiting;

/// <summary>
/// Chooses the rate limiters' backend inside <c>AddRateLimiting(limits => …)</c>. Counters live in this process's
/// memory unless a backend is chosen (<c>UseRedis()</c>, <c>UsePostgreSql()</c> or <see cref="UseStore{TStore}"/>).
/// </summary>
public sealed class RateLimitingBuilder
{
    internal RateLimitingBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection, for backend packages that extend this builder.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Keeps the counters in <typeparamref name="TStore"/>, a backend of your own (resolved from DI).</summary>
    /// <typeparam name="TStore">The store; it must pass the rate-limiting conformance suite.</typeparam>
    /// <returns>This builder.</returns>
    public RateLimitingBuilder UseStore<TStore>()
        where TStore : RateLimitStore
    {
        Services.Replace(ServiceDescriptor.Singleton<RateLimitStore, TStore>());
        return this;
    }
}
