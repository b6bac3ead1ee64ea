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
    /// Registers <see cref="IIdempotencyExecutor"/> with its options (validated at start-up). Records live in this
    /// process's memory unless <paramref name="configure"/> chooses a backend, for example
    /// <c>idempotency => idempotency.UseRedis()</c>. Calling it again only adds configuration.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Chooses the backend and configures <see cref="IdempotencyOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddIdempotency(this ICommerceKitBuilder builder, Action<IdempotencyBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptionsWithValidateOnStart<IdempotencyOptions, IdempotencyOptionsValidator>();
        builder.Services.TryAddSingleton<IdempotencyStore, InMemoryIdempotencyStore>();
        builder.Services.TryAddSingleton<IIdempotencyExecutor, IdempotencyExecutor>();
        configure?.Invoke(new IdempotencyBuilder(builder.Services));
        return builder;
    }
}
