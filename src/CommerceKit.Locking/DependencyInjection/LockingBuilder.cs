using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Locking;

/// <summary>
/// Configures the distributed locks inside <c>AddLocking(locking =&gt; …)</c>. Locks live in this process's memory
/// unless a backend is chosen (<c>UseRedis()</c>, <c>UsePostgreSql()</c> or <c>UseStore&lt;TStore&gt;()</c>).
/// </summary>
public sealed class LockingBuilder : FeatureBuilder<LockingBuilder, LockLeaseStore, DistributedLockOptions>
{
    internal LockingBuilder(IServiceCollection services)
        : base(services)
    {
    }
}
