using CommerceKit;
using CommerceKit.RateLimiting;
using CommerceKit.RateLimiting.InMemory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CommerceKit distributed rate limiters.</summary>
public static class RateLimitingCommerceKitBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IRateLimiterProvider"/>. Counters live in this process's memory unless
    /// <paramref name="configure"/> chooses a backend, for example <c>limits => limits.UseRedis()</c>. Calling it
    /// again only adds configuration.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Chooses the backend.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddRateLimiting(this ICommerceKitBuilder builder, Action<RateLimitingBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<RateLimitStore>(services => new InMemoryRateLimitStore(services.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton<IRateLimiterProvider>(services => new RateLimiterProvider(
            services.GetRequiredService<RateLimitStore>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetService<ILoggerFactory>()));
        configure?.Invoke(new RateLimitingBuilder(builder.Services));
        return builder;
    }
}
