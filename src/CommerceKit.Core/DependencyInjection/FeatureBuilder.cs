using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CommerceKit;

/// <summary>
/// What every feature's builder offers inside its <c>Add&lt;Feature&gt;(feature =&gt; …)</c> callback: the service
/// collection for backend packages, and a backend of your own. Backend packages add <c>UseRedis()</c> and
/// <c>UsePostgreSql()</c> to the concrete builders.
/// </summary>
/// <typeparam name="TBuilder">The concrete builder, returned by every method so calls chain.</typeparam>
/// <typeparam name="TStore">The feature's port, the one class a backend derives from.</typeparam>
public abstract class FeatureBuilder<TBuilder, TStore>
    where TBuilder : FeatureBuilder<TBuilder, TStore>
    where TStore : class
{
    /// <summary>Creates the builder.</summary>
    /// <param name="services">The service collection the feature registers into.</param>
    protected FeatureBuilder(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
    }

    /// <summary>The service collection, for backend packages that extend this builder.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Keeps the feature's data in <typeparamref name="TImplementation"/>, a backend of your own, created by the
    /// container (its constructor's parameters are resolved from it). It replaces the in-memory default.
    /// </summary>
    /// <typeparam name="TImplementation">The store; it must pass the feature's conformance suite.</typeparam>
    /// <returns>This builder.</returns>
    public TBuilder UseStore<TImplementation>()
        where TImplementation : class, TStore
    {
        Services.Replace(ServiceDescriptor.Singleton<TStore, TImplementation>());
        return (TBuilder)this;
    }
}

/// <summary>A feature builder that also configures the feature's options.</summary>
/// <typeparam name="TBuilder">The concrete builder, returned by every method so calls chain.</typeparam>
/// <typeparam name="TStore">The feature's port, the one class a backend derives from.</typeparam>
/// <typeparam name="TOptions">The feature's options, validated when the host starts.</typeparam>
public abstract class FeatureBuilder<TBuilder, TStore, TOptions> : FeatureBuilder<TBuilder, TStore>
    where TBuilder : FeatureBuilder<TBuilder, TStore, TOptions>
    where TStore : class
    where TOptions : class
{
    /// <summary>Creates the builder.</summary>
    /// <param name="services">The service collection the feature registers into.</param>
    protected FeatureBuilder(IServiceCollection services)
        : base(services)
    {
    }

    /// <summary>Configures the feature's options (validated when the host starts).</summary>
    /// <param name="configure">Sets the options.</param>
    /// <returns>This builder.</returns>
    public TBuilder Configure(Action<TOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return (TBuilder)this;
    }
}
