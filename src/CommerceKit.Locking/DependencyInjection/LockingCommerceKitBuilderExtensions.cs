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
    /// Registers <see cref="IDistributedLockProvider"/> with its options (validated at start-up). Unless a backend
    /// registration such as <c>AddRedisLocks()</c> or <c>AddPostgreSqlLocks()</c> chose another, locks live in this
    /// process's memory. Calling it again only adds configuration.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="DistributedLockOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddLocks(this ICommerceKitBuilder builder, Action<DistributedLockOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var options = builder.Services.AddOptionsWithValidateOnStart<DistributedLockOptions, DistributedLockOptionsValidator>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DistributedLockOptions>, DistributedLockOptionsRules>());
        builder.Services.TryAddSingleton<LockLeaseStore, InMemoryLockLeaseStore>();
        builder.Services.TryAddSingleton<IDistributedLockProvider, DistributedLockProvider>();
        return builder;
    }

    /// <summary>
    /// Makes <typeparamref name="TStore"/> the lock backend and registers the locks as <see cref="AddLocks"/> does:
    /// the hook for backend packages.
    /// </summary>
    /// <typeparam name="TStore">The backend's lease store.</typeparam>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Configures <see cref="DistributedLockOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddLocks<TStore>(this ICommerceKitBuilder builder, Action<DistributedLockOptions>? configure = null)
        where TStore : LockLeaseStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<LockLeaseStore, TStore>());
        return builder.AddLocks(configure);
    }
}
