using CommerceKit;
using CommerceKit.Redis;
using CommerceKit.Redis.Connection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CommerceKit's shared Redis connection.</summary>
public static class RedisCommerceKitBuilderExtensions
{
    /// <summary>
    /// Registers the one Redis connection every CommerceKit Redis backend uses. Options are validated at
    /// start-up; the server is first contacted on first use. Calling it again only adds configuration.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="RedisOptions"/>; at least <see cref="RedisOptions.Configuration"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddRedis(this ICommerceKitBuilder builder, Action<RedisOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        builder.Services.AddOptionsWithValidateOnStart<RedisOptions, RedisOptionsValidator>().Configure(configure);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisOptions>, RedisOptionsRules>());
        builder.Services.TryAddSingleton<RedisConnection>();
        return builder;
    }
}
