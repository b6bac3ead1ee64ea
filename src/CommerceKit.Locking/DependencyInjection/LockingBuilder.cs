using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CommerceKit.Locking;

/// <summary>
/// Configures the distributed locks inside <c>AddLocking(locking => …)</c>: their options and their backend. Locks live
/// in this process's memory unless a backend is chosen (<c>UseRedis()</c>, <c>UsePostgreSql()</c> or
/// <see cref="UseStore{TStore}"/>).
/// </summary>
public sealed class LockingBuilder
{
    internal LockingBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection, for backend packages that extend this builder.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Configures <see cref="DistributedLockOptions"/> (validated when the host starts).</summary>
    /// <param name="configure">Sets the options.</param>
    /// <returns>This builder.</returns>
    public LockingBuilder Configure(Action<DistributedLockOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Keeps the leases in <typeparamref name="TStore"/>, a backend of your own (resolved from DI).</summary>
    /// <typeparam name="TStore">The store; it must pass the locking conformance suite.</typeparam>
    /// <returns>This builder.</returns>
    public LockingBuilder UseStore<TStore>()
        where TStore : LockLeaseStore
    {
        Services.Replace(ServiceDescriptor.Singleton<LockLeaseStore, TStore>());
        return this;
    }
}
