using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Locking;
using CommerceKit.Locking;
using CommerceKit.Redis.Connection;
using CommerceKit.Redis.Locking;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CommerceKit.Redis.Tests.Locking;

/// <summary>Redis locks on one server or cluster, named by its configuration string.</summary>
internal sealed class RedisLockingBackend(string configuration) : LockingBackend
{
    public RedisConnection Connection => FirstInstance.GetRequiredService<RedisConnection>();

    public RedisFencedWrites FencedWrites => FirstInstance.GetRequiredService<RedisFencedWrites>();

    public RedisKey LeaseKey(string lockName) => Store.Lease(lockName);

    public RedisKey WaitingKey(string lockName) => Store.Waiting(lockName);

    public RedisKey FenceKey(string lockName) => Store.Fence(lockName);

    private RedisLockLeaseStore Store => (RedisLockLeaseStore)FirstInstance.GetRequiredService<LockLeaseStore>();

    public override Task DeleteLeaseAsync(string lockName) =>
        Connection.ExecuteAsync((database, key) => database.KeyDeleteAsync(key), LeaseKey(lockName), default);

    public override Task<long> CountQueuedAsync(string lockName) =>
        Connection.ExecuteAsync((database, key) => database.SortedSetLengthAsync(key), Store.Queue(lockName), default);

    public override IReadOnlyList<string> HolderProcessArguments(string lockName, TimeSpan expiry) =>
        LeaseHolderProcess.Arguments("lock", "redis", configuration, KeyPrefix, lockName, expiry);

    protected override void AddBackend(ICommerceKitBuilder builder, Action<DistributedLockOptions> configure) =>
        builder.AddRedis(o => o.Configuration = configuration).AddLocking(locking => locking.UseRedis().Configure(configure));
}
