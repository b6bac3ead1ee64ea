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
    /// Registers <see cref="IRateLimiterProvider"/>. Unless a backend registration such as <c>AddRedisRateLimiter()</c>
    /// or <c>AddPostgreSqlRateLimiter()</c> chose another, limits live in this process's memory. Calling it again
    /// does nothing.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddRateLimiter(this ICommerceKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<RateLimitStore>(services => new InMemoryRateLimitStore(services.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton<IRateLimiterProvider>(services => new RateLimiterProvider(
            services.GetRequiredService<RateLimitStore>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetService<ILoggerFactory>()));
        return builder;
    }

    /// <summary>
    /// Makes <typeparamref name="TStore"/> the rate-limit backend and registers the limiters as
    /// <see cref="AddRateLimiter(ICommerceKitBuilder)"/> does: the hook for backend packages.
    /// </summary>
    /// <typeparam name="TStore">The backend's store.</typeparam>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddRateLimiter<TStore>(this ICommerceKitBuilder builder)
        where TStore : RateLimitStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<RateLimitStore, TStore>());
        return builder.AddRateLimiter();
    }
}
