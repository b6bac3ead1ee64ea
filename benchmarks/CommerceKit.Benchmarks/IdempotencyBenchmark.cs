using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CommerceKit.Idempotency;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;

namespace CommerceKit.Benchmarks;

/// <summary>
/// What idempotency adds to an operation, per backend, through the executor applications call: claim + complete
/// (a new key: two round trips) and a replay (a finished key: one round trip), beside the backend's raw round trip.
/// </summary>
[MemoryDiagnoser]
[SimpleJob]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class IdempotencyBenchmark
{
    private static readonly Order Placed = new("o-1", 2_500, "confirmed");

    private readonly Func<IdempotencyContext, CancellationToken, Task<Order>> _placeOrder = (_, _) => Task.FromResult(Placed);
    private BenchmarkRedis _redis = null!;
    private BenchmarkPostgres _postgres = null!;
    private ConnectionMultiplexer _multiplexer = null!;
    private IDatabase _database = null!;
    private NpgsqlDataSource _dataSource = null!;
    private ServiceProvider _memoryServices = null!;
    private ServiceProvider _redisServices = null!;
    private ServiceProvider _postgresServices = null!;
    private IIdempotencyExecutor _memory = null!;
    private IIdempotencyExecutor _redisExecutor = null!;
    private IIdempotencyExecutor _postgresExecutor = null!;
    private long _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _redis = await BenchmarkRedis.StartAsync();
        _postgres = await BenchmarkPostgres.StartAsync();
        _multiplexer = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        _database = _multiplexer.GetDatabase();
        _dataSource = NpgsqlDataSource.Create(_postgres.ConnectionString);

        _memoryServices = new ServiceCollection().AddCommerceKit().AddIdempotency().Services.BuildServiceProvider();
        _redisServices = new ServiceCollection().AddCommerceKit()
            .AddRedis(o => o.Configuration = _redis.Configuration).AddRedisIdempotency().Services.BuildServiceProvider();
        _postgresServices = new ServiceCollection().AddCommerceKit()
            .AddPostgreSql(o => o.ConnectionString = _postgres.ConnectionString).AddPostgreSqlIdempotency().Services.BuildServiceProvider();
        _memory = _memoryServices.GetRequiredService<IIdempotencyExecutor>();
        _redisExecutor = _redisServices.GetRequiredService<IIdempotencyExecutor>();
        _postgresExecutor = _postgresServices.GetRequiredService<IIdempotencyExecutor>();

        // First use connects and creates the schema; the replay rows replay this first execution.
        await MemoryReplay();
        await RedisReplay();
        await PostgreSqlReplay();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _memoryServices.DisposeAsync();
        await _redisServices.DisposeAsync();
        await _postgresServices.DisposeAsync();
        await _dataSource.DisposeAsync();
        await _multiplexer.DisposeAsync();
        await _postgres.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [BenchmarkCategory("Memory"), Benchmark(Description = "CommerceKit in memory: claim + complete")]
    public Task<IdempotentResult<Order>> MemoryClaimAndComplete() => _memory.ExecuteAsync(NewKey(), "fp", _placeOrder);

    [BenchmarkCategory("Memory"), Benchmark(Description = "CommerceKit in memory: replay")]
    public Task<IdempotentResult<Order>> MemoryReplay() => _memory.ExecuteAsync(ReplayedKey, "fp", _placeOrder);

    [BenchmarkCategory("Redis"), Benchmark(Baseline = true, Description = "raw Redis round trip (PING)")]
    public Task<TimeSpan> RawRedisRoundTrip() => _database.PingAsync();

    [BenchmarkCategory("Redis"), Benchmark(Description = "CommerceKit Redis: claim + complete")]
    public Task<IdempotentResult<Order>> RedisClaimAndComplete() => _redisExecutor.ExecuteAsync(NewKey(), "fp", _placeOrder);

    [BenchmarkCategory("Redis"), Benchmark(Description = "CommerceKit Redis: replay")]
    public Task<IdempotentResult<Order>> RedisReplay() => _redisExecutor.ExecuteAsync(ReplayedKey, "fp", _placeOrder);

    [BenchmarkCategory("PostgreSQL"), Benchmark(Baseline = true, Description = "raw PostgreSQL round trip (SELECT 1)")]
    public async Task<object?> RawPostgresRoundTrip()
    {
        await using var command = _dataSource.CreateCommand("SELECT 1");
        return await command.ExecuteScalarAsync();
    }

    [BenchmarkCategory("PostgreSQL"), Benchmark(Description = "CommerceKit PostgreSQL: claim + complete")]
    public Task<IdempotentResult<Order>> PostgreSqlClaimAndComplete() => _postgresExecutor.ExecuteAsync(NewKey(), "fp", _placeOrder);

    [BenchmarkCategory("PostgreSQL"), Benchmark(Description = "CommerceKit PostgreSQL: replay")]
    public Task<IdempotentResult<Order>> PostgreSqlReplay() => _postgresExecutor.ExecuteAsync(ReplayedKey, "fp", _placeOrder);

    private static IdempotencyKey ReplayedKey { get; } = new("customer-1", "replayed");

    private IdempotencyKey NewKey() => new("customer-1", "order-" + Interlocked.Increment(ref _next));

    public sealed record Order(string OrderId, int TotalCents, string Status);
}
