using CommerceKit.Locking;
using CommerceKit.Redis.Connection;
using CommerceKit.Redis.Locking;
using CommerceKit.Shared;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps the distributed locks in Redis.</summary>
public static class RedisLockingBuilderExtensions
{
    /// <summary>
    /// Keeps the locks' leases in Redis (one round trip to acquire, renew or release; waiters woken by pub/sub) and
    /// registers <see cref="RedisFencedWrites"/>. Requires <c>AddRedis()</c>; start-up fails without it.
    /// </summary>
    /// <param name="locking">The locking builder.</param>
    /// <returns>The builder.</returns>
    public static LockingBuilder UseRedis(this LockingBuilder locking)
    {
        ArgumentNullException.ThrowIfNull(locking);
        locking.Services.UseRedisStore<LockLeaseStore, RedisLockLeaseStore>();
        locking.Services.TryAddSingleton(services => new RedisFencedWrites(services.GetRequiredService<RedisConnection>()));
        return locking;
    }
}
