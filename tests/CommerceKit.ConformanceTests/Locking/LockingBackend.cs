using System.Collections.Concurrent;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Locking;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.ConformanceTests.Locking;

/// <summary>
/// One lock backend as the conformance suites see it: providers that share the backend (each its own service
/// provider and connection, like separate application instances), and the backend-specific test hooks.
/// </summary>
public abstract class LockingBackend : BackendInstances
{
    /// <summary>Creates a provider as a separate application instance would: its own services and connection, the same locks.</summary>
    public IDistributedLockProvider CreateProvider(Action<DistributedLockOptions>? configure = null) =>
        CreateProviderWithStore(configure).Provider;

    /// <summary>Creates a provider as <see cref="CreateProvider"/> does, with the lease store of its instance.</summary>
    public (IDistributedLockProvider Provider, LockLeaseStore Store) CreateProviderWithStore(Action<DistributedLockOptions>? configure = null)
    {
        var instance = CreateInstance(builder => AddBackend(builder, configure ?? (_ => { })));
        return (instance.GetRequiredService<IDistributedLockProvider>(), instance.GetRequiredService<LockLeaseStore>());
    }

    /// <summary>Starts an instance and returns its lease store, for tests that drive the store directly.</summary>
    public LockLeaseStore CreateStore() => CreateInstance(builder => AddBackend(builder, _ => { })).GetRequiredService<LockLeaseStore>();

    /// <summary>Starts an instance that only listens, and collects the name of every release the backend announces.</summary>
    public async Task<ConcurrentQueue<string>> HearReleasesAsync()
    {
        var heard = new ConcurrentQueue<string>();
        await CreateStore().ListenForReleasesAsync(heard.Enqueue, null, CancellationToken.None);
        return heard;
    }

    /// <summary>How many waiters the backend has queued for <paramref name="lockName"/>, places that lapsed included.</summary>
    public virtual Task<long> CountQueuedAsync(string lockName) =>
        throw new NotSupportedException("This backend queues no waiters.");

    /// <summary>Deletes a lock's lease behind its holder's back, as an operator (or a lost key) would.</summary>
    public abstract Task DeleteLeaseAsync(string lockName);

    /// <summary>The command line of tests/CommerceKit.LeaseHolder that takes <paramref name="lockName"/> on this backend.</summary>
    public virtual IReadOnlyList<string> HolderProcessArguments(string lockName, TimeSpan expiry) =>
        throw new NotSupportedException("This backend lives inside one process: another process cannot share its locks.");

    /// <summary>Registers the backend's locks, passing <paramref name="configure"/> on.</summary>
    protected abstract void AddBackend(ICommerceKitBuilder builder, Action<DistributedLockOptions> configure);
}
