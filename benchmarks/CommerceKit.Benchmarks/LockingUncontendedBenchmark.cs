using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CommerceKit.Locking;
using CommerceKit.Redis.Locking;
using Medallion.Threading.Postgres;
using Medallion.Threading.Redis;
using Microsoft.Extensions.DependencyInjection;
using RedLockNet.SERedis;
using RedLockNet.SERedis.Configuration;
using StackExchange.Redis;

namespace CommerceKit.Benchmarks;

/// <summary>
/// Acquire + release of a free lock: CommerceKit beside DistributedLock and RedLock.net on one Redis, and beside
/// DistributedLock.Postgres on one PostgreSQL, each next to its backend's raw round trip. The Redis peers run twice: on
/// a multiplexer with StackExchange.Redis's defaults (as an application gets them), and on one with thread-pool sockets
/// like CommerceKit's own connection and the raw round trip, so the difference the socket setting makes is visible.
/// CommerceKit's two lock scripts also run raw (EVALSHA on thread-pool sockets): what any lock built on them costs.
/// </summary>
[MemoryDiagnoser]
[SimpleJob]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LockingUncontendedBenchmark
{
    private RawBackends _backends = null!;
    private ServiceProvider _redisServices = null!;
    private ServiceProvider _postgresServices = null!;
    private IDistributedLock _commerceKitRedis = null!;
    private IDistributedLock _commerceKitPostgres = null!;
    private RedisDistributedLock _distributedLockRedis = null!;
    private RedisDistributedLock _distributedLockRedisThreadPool = null!;
    private RedLockFactory _redLock = null!;
    private RedLockFactory _redLockThreadPool = null!;
    private PostgresDistributedLock _distributedLockPostgres = null!;

    // The keys and arguments of CommerceKit's acquire and release scripts for a free lock (as RedisLockLeaseStore
    // passes them for a one-shot attempt), for calling the scripts raw.
    private readonly RedisKey[] _rawAcquireKeys = ["bench:{raw-lock}:lease", "bench:{raw-lock}:fence", "bench:{raw-lock}:waiting", "bench:{raw-lock}:queue", "bench:{raw-lock}:places"];
    private readonly RedisValue[] _rawAcquireValues = ["raw-owner", 30_000, 86_400_000, 0, 0, "bench:raw-hand-offs"];
    private readonly RedisKey[] _rawReleaseKeys = ["bench:{raw-lock}:lease", "bench:{raw-lock}:waiting", "bench:{raw-lock}:fence", "bench:{raw-lock}:queue", "bench:{raw-lock}:places"];
    private readonly RedisValue[] _rawReleaseValues = ["raw-owner", "bench:raw-released", "raw-lock", 86_400_000];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _backends = await RawBackends.StartAsync();

        _redisServices = new ServiceCollection().AddCommerceKit()
            .AddRedis(o => o.Configuration = _backends.Redis.Configuration).AddLocking(locking => locking.UseRedis()).Services.BuildServiceProvider();
        _postgresServices = new ServiceCollection().AddCommerceKit()
            .AddPostgreSql(o => o.ConnectionString = _backends.Postgres.ConnectionString).AddLocking(locking => locking.UsePostgreSql()).Services.BuildServiceProvider();
        _commerceKitRedis = _redisServices.GetRequiredService<IDistributedLockProvider>().CreateLock("bench-uncontended");
        _commerceKitPostgres = _postgresServices.GetRequiredService<IDistributedLockProvider>().CreateLock("bench-uncontended");

        _distributedLockRedis = new RedisDistributedLock("bench-uncontended-medallion", _backends.DefaultMultiplexer.GetDatabase());
        _distributedLockRedisThreadPool = new RedisDistributedLock("bench-uncontended-medallion-tp", _backends.Database);
        _redLock = RedLockFactory.Create([new RedLockMultiplexer(_backends.DefaultMultiplexer)]);
        _redLockThreadPool = RedLockFactory.Create([new RedLockMultiplexer(_backends.Multiplexer)]);
        _distributedLockPostgres = new PostgresDistributedLock(new PostgresAdvisoryLockKey("bench-uncontended", allowHashing: true), _backends.Postgres.ConnectionString);

        // First use connects and creates the schema: not part of what is measured.
        await CommerceKitRedis();
        await CommerceKitPostgreSql();
        await RawLockScripts();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _redLock.Dispose();
        _redLockThreadPool.Dispose();
        await _redisServices.DisposeAsync();
        await _postgresServices.DisposeAsync();
        await _backends.DisposeAsync();
    }

    [BenchmarkCategory("Redis"), Benchmark(Baseline = true, Description = "raw Redis round trip (PING)")]
    public Task<TimeSpan> RawRedisRoundTrip() => _backends.PingRedisAsync();

    [BenchmarkCategory("Redis"), Benchmark(Description = "raw PING, StackExchange.Redis default sockets")]
    public Task<TimeSpan> RawRedisRoundTripOnDefaultSockets() => _backends.PingRedisOnDefaultSocketsAsync();

    // The floor of any lock built on these scripts: the same two EVALSHA calls without CommerceKit's engine.
    [BenchmarkCategory("Redis"), Benchmark(Description = "raw EVALSHA of CommerceKit's acquire and release scripts")]
    public async Task RawLockScripts()
    {
        var token = (long)await LockScripts.Acquire.EvaluateAsync(_backends.Database, _rawAcquireKeys, _rawAcquireValues);
        if (token <= 0)
        {
            throw new InvalidOperationException("not acquired");
        }

        await LockScripts.Release.EvaluateAsync(_backends.Database, _rawReleaseKeys, _rawReleaseValues);
    }

    [BenchmarkCategory("Redis"), Benchmark(Description = "CommerceKit Redis")]
    public async Task CommerceKitRedis()
    {
        var handle = await _commerceKitRedis.TryAcquireAsync() ?? throw new InvalidOperationException("not acquired");
        await handle.DisposeAsync();
    }

    [BenchmarkCategory("Redis"), Benchmark(Description = "DistributedLock.Redis")]
    public Task DistributedLockRedis() => AcquireAndReleaseAsync(_distributedLockRedis);

    [BenchmarkCategory("Redis"), Benchmark(Description = "DistributedLock.Redis, thread-pool sockets")]
    public Task DistributedLockRedisOnThreadPoolSockets() => AcquireAndReleaseAsync(_distributedLockRedisThreadPool);

    [BenchmarkCategory("Redis"), Benchmark(Description = "RedLock.net")]
    public Task RedLockNet() => AcquireAndReleaseAsync(_redLock, "bench-uncontended-redlock");

    [BenchmarkCategory("Redis"), Benchmark(Description = "RedLock.net, thread-pool sockets")]
    public Task RedLockNetOnThreadPoolSockets() => AcquireAndReleaseAsync(_redLockThreadPool, "bench-uncontended-redlock-tp");

    private static async Task AcquireAndReleaseAsync(RedisDistributedLock distributedLock)
    {
        var handle = await distributedLock.TryAcquireAsync() ?? throw new InvalidOperationException("not acquired");
        await handle.DisposeAsync();
    }

    private static async Task AcquireAndReleaseAsync(RedLockFactory factory, string name)
    {
        var handle = await factory.CreateLockAsync(name, TimeSpan.FromSeconds(30));
        if (!handle.IsAcquired)
        {
            throw new InvalidOperationException("not acquired");
        }

        await handle.DisposeAsync();
    }

    [BenchmarkCategory("PostgreSQL"), Benchmark(Baseline = true, Description = "raw PostgreSQL round trip (SELECT 1)")]
    public Task<object?> RawPostgresRoundTrip() => _backends.SelectOneAsync();

    [BenchmarkCategory("PostgreSQL"), Benchmark(Description = "CommerceKit PostgreSQL")]
    public async Task CommerceKitPostgreSql()
    {
        var handle = await _commerceKitPostgres.TryAcquireAsync() ?? throw new InvalidOperationException("not acquired");
        await handle.DisposeAsync();
    }

    [BenchmarkCategory("PostgreSQL"), Benchmark(Description = "DistributedLock.Postgres")]
    public async Task DistributedLockPostgres()
    {
        var handle = await _distributedLockPostgres.TryAcquireAsync() ?? throw new InvalidOperationException("not acquired");
        await handle.DisposeAsync();
    }
}
