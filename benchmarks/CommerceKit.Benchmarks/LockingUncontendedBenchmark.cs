using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CommerceKit.Locking;
using Medallion.Threading.Postgres;
using Medallion.Threading.Redis;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RedLockNet.SERedis;
using RedLockNet.SERedis.Configuration;
using StackExchange.Redis;

namespace CommerceKit.Benchmarks;

/// <summary>
/// Acquire + release of a free lock: CommerceKit beside DistributedLock and RedLock.net on one Redis, and beside
/// DistributedLock.Postgres on one PostgreSQL, each next to its backend's raw round trip.
/// </summary>
[MemoryDiagnoser]
[SimpleJob]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class LockingUncontendedBenchmark
{
    private BenchmarkRedis _redis = null!;
    private BenchmarkPostgres _postgres = null!;
    private ConnectionMultiplexer _multiplexer = null!;
    private IDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;
    private ServiceProvider _redisServices = null!;
    private ServiceProvider _postgresServices = null!;
    private IDistributedLock _commerceKitRedis = null!;
    private IDistributedLock _commerceKitPostgres = null!;
    private RedisDistributedLock _distributedLockRedis = null!;
    private RedLockFactory _redLock = null!;
    private PostgresDistributedLock _distributedLockPostgres = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _redis = await BenchmarkRedis.StartAsync();
        _postgres = await BenchmarkPostgres.StartAsync();
        _multiplexer = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        _database = _multiplexer.GetDatabase();
        _dataSource = NpgsqlDataSource.Create(_postgres.ConnectionString);

        _redisServices = new ServiceCollection().AddCommerceKit()
            .AddRedis(o => o.Configuration = _redis.Configuration).AddRedisLocks().Services.BuildServiceProvider();
        _postgresServices = new ServiceCollection().AddCommerceKit()
            .AddPostgreSql(o => o.ConnectionString = _postgres.ConnectionString).AddPostgreSqlLocks().Services.BuildServiceProvider();
        _commerceKitRedis = _redisServices.GetRequiredService<IDistributedLockProvider>().CreateLock("bench-uncontended");
        _commerceKitPostgres = _postgresServices.GetRequiredService<IDistributedLockProvider>().CreateLock("bench-uncontended");

        _distributedLockRedis = new RedisDistributedLock("bench-uncontended-medallion", _database);
        _redLock = RedLockFactory.Create([new RedLockMultiplexer(_multiplexer)]);
        _distributedLockPostgres = new PostgresDistributedLock(new PostgresAdvisoryLockKey("bench-uncontended", allowHashing: true), _postgres.ConnectionString);

        // First use connects and creates the schema: not part of what is measured.
        await CommerceKitRedis();
        await CommerceKitPostgreSql();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _redLock.Dispose();
        await _redisServices.DisposeAsync();
        await _postgresServices.DisposeAsync();
        await _dataSource.DisposeAsync();
        await _multiplexer.DisposeAsync();
        await _postgres.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [BenchmarkCategory("Redis"), Benchmark(Baseline = true, Description = "raw Redis round trip (PING)")]
    public Task<TimeSpan> RawRedisRoundTrip() => _database.PingAsync();

    [BenchmarkCategory("Redis"), Benchmark(Description = "CommerceKit Redis")]
    public async Task CommerceKitRedis()
    {
        var handle = await _commerceKitRedis.TryAcquireAsync() ?? throw new InvalidOperationException("not acquired");
        await handle.DisposeAsync();
    }

    [BenchmarkCategory("Redis"), Benchmark(Description = "DistributedLock.Redis")]
    public async Task DistributedLockRedis()
    {
        var handle = await _distributedLockRedis.TryAcquireAsync() ?? throw new InvalidOperationException("not acquired");
        await handle.DisposeAsync();
    }

    [BenchmarkCategory("Redis"), Benchmark(Description = "RedLock.net")]
    public async Task RedLockNet()
    {
        var handle = await _redLock.CreateLockAsync("bench-uncontended-redlock", TimeSpan.FromSeconds(30));
        if (!handle.IsAcquired)
        {
            throw new InvalidOperationException("not acquired");
        }

        await handle.DisposeAsync();
    }

    [BenchmarkCategory("PostgreSQL"), Benchmark(Baseline = true, Description = "raw PostgreSQL round trip (SELECT 1)")]
    public async Task<object?> RawPostgresRoundTrip()
    {
        await using var command = _dataSource.CreateCommand("SELECT 1");
        return await command.ExecuteScalarAsync();
    }

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
