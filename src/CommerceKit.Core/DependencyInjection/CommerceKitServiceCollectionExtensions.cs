using CommerceKit;
using CommerceKit.DependencyInjection;
using CommerceKit.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The entry point of CommerceKit's service registration.</summary>
public static class CommerceKitServiceCollectionExtensions
{
    /// <summary>
    /// Registers CommerceKit's shared services (options validated at start-up, <see cref="TimeProvider"/>,
    /// the default <see cref="ICommerceKitSerializer"/>) and returns a builder for its features and backends.
    /// Calling it again is harmless: registrations are only added when missing.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the shared <see cref="CommerceKitOptions"/>.</param>
    /// <returns>The builder that feature and backend packages extend.</returns>
    public static ICommerceKitBuilder AddCommerceKit(this IServiceCollection services, Action<CommerceKitOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptionsWithValidateOnStart<CommerceKitOptions, CommerceKitOptionsValidator>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICommerceKitSerializer>(SystemTextJsonCommerceKitSerializer.Default);
        return new CommerceKitBuilder(services);
    }
}
