using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Locking;

namespace CommerceKit.Redis.Tests.Locking;

public sealed class RedisLockTests(RedisServerFixture redis) : DistributedLockConformanceTests, IClassFixture<RedisServerFixture>
{
    protected override LockingBackend CreateBackend() => new RedisLockingBackend(redis.Configuration);
}

public sealed class RedisClusterLockTests(RedisClusterFixture cluster) : DistributedLockConformanceTests, IClassFixture<RedisClusterFixture>
{
    protected override LockingBackend CreateBackend() => new RedisLockingBackend(cluster.Configuration);
}

public sealed class RedisLockHolderCrashTests(RedisServerFixture redis) : LockHolderCrashTests, IClassFixture<RedisServerFixture>
{
    protected override LockingBackend CreateBackend() => new RedisLockingBackend(redis.Configuration);
}

public sealed class RedisLockHandOffTests(RedisServerFixture redis) : LockHandOffTests, IClassFixture<RedisServerFixture>
{
    protected override LockingBackend CreateBackend() => new RedisLockingBackend(redis.Configuration);
}

public sealed class RedisClusterLockHandOffTests(RedisClusterFixture cluster) : LockHandOffTests, IClassFixture<RedisClusterFixture>
{
    protected override LockingBackend CreateBackend() => new RedisLockingBackend(cluster.Configuration);
}
