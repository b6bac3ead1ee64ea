using CommerceKit;
using CommerceKit.Idempotency;
using CommerceKit.Idempotency.Engine;
using CommerceKit.Idempotency.InMemory;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CommerceKit idempotency.</summary>
public static class IdempotencyCommerceKitBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IIdempotencyExecutor"/> with its options (validated at start-up) and
    /// <see cref="IIdempotencyStore"/>. Unless a backend registration such as <c>AddRedisIdempotency()</c> or
    /// <c>AddPostgreSqlIdempotency()</c> chose another, records live in this process's memory. Calling it again only
    /// adds configuration.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="IdempotencyOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddIdempotency(this ICommerceKitBuilder builder, Action<IdempotencyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var options = builder.Services.AddOptionsWithValidateOnStart<IdempotencyOptions, IdempotencyOptionsValidator>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton<IIdempotencyStore, InMemoryIdempotencyStore>();
        builder.Services.TryAddSingleton<IIdempotencyExecutor, IdempotencyExecutor>();
        return builder;
    }

    /// <summary>
    /// Makes <typeparamref name="TStore"/> the idempotency backend and registers idempotency as
    /// <see cref="AddIdempotency"/> does: the hook for backend packages.
    /// </summary>
    /// <typeparam name="TStore">The backend's store.</typeparam>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="IdempotencyOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddIdempotency<TStore>(this ICommerceKitBuilder builder, Action<IdempotencyOptions>? configure = null)
        where TStore : class, IIdempotencyStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IIdempotencyStore, TStore>());
        return builder.AddIdempotency(configure);
    }
}
