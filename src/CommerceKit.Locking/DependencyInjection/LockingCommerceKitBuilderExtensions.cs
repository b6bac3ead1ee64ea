using CommerceKit;
using CommerceKit.Locking;
using CommerceKit.Locking.InMemory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CommerceKit distributed locks.</summary>
public static class LockingCommerceKitBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IDistributedLockProvider"/> with its options (validated at start-up). Locks live in this
    /// process's memory unless <paramref name="configure"/> chooses a backend, for example
    /// <c>locking => locking.UseRedis()</c>. Calling it again only adds configuration.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Chooses the backend and configures <see cref="DistributedLockOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddLocking(this ICommerceKitBuilder builder, Action<LockingBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptionsWithValidateOnStart<DistributedLockOptions, DistributedLockOptionsValidator>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DistributedLockOptions>, DistributedLockOptionsRules>());
        builder.Services.TryAddSingleton<LockLeaseStore, InMemoryLockLeaseStore>();
        builder.Services.TryAddSingleton<IDistributedLockProvider, DistributedLockProvider>();
        configure?.Invoke(new LockingBuilder(builder.Services));
        return builder;
    }
}
