using CommerceKit;
using CommerceKit.Caching;
using CommerceKit.Caching.Engine;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CommerceKit caching.</summary>
public static class CachingCommerceKitBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="ICacheAside"/>, in this process's memory, with its options (validated at start-up). Calling it
    /// again only adds configuration. For a second level shared by every instance, register <c>AddRedisCaching()</c>
    /// (package CommerceKit.Redis) instead.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="CachingOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddCaching(this ICommerceKitBuilder builder, Action<CachingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var options = builder.Services.AddOptionsWithValidateOnStart<CachingOptions, CachingOptionsValidator>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CachingOptions>, CachingOptionsRules>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ICacheAside, CacheAside>();
        return builder;
    }
}
