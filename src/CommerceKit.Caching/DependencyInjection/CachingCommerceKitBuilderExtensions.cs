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
    /// Registers <see cref="ICacheAside"/> with its options (validated at start-up). Values live in this process's
    /// memory only unless <paramref name="configure"/> chooses a second level shared by every instance, for example
    /// <c>caching => caching.UseRedis()</c>. Calling it again only adds configuration.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Chooses the second level and configures <see cref="CachingOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddCaching(this ICommerceKitBuilder builder, Action<CachingBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptionsWithValidateOnStart<CachingOptions, CachingOptionsValidator>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CachingOptions>, CachingOptionsRules>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ICacheAside, CacheAside>();
        configure?.Invoke(new CachingBuilder(builder.Services));
        return builder;
    }
}
