using CommerceKit.ConformanceTests.Locking;
using CommerceKit.Locking;
using CommerceKit.Locking.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Tests.Locking;

public sealed class InMemoryLockTests : DistributedLockConformanceTests
{
    protected override LockingBackend CreateBackend() => new InMemoryLockingBackend();

    /// <summary>In-memory instances share locks only within one store, as the tasks of one process do.</summary>
    private sealed class InMemoryLockingBackend : LockingBackend
    {
        private readonly InMemoryLockLeaseStore _store = new(TimeProvider.System);

        public override Task DeleteLeaseAsync(string lockName)
        {
            _store.Forget(lockName);
            return Task.CompletedTask;
        }

        protected override void AddBackend(ICommerceKitBuilder builder, Action<DistributedLockOptions> configure)
        {
            builder.Services.AddSingleton<LockLeaseStore>(_store);
            builder.AddLocking(locking => locking.Configure(configure));
        }
    }
}
