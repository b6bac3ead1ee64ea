using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CommerceKit.Idempotency;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Benchmarks;

/// <summary>
/// What idempotency adds to an operation, per backend, through the executor applications call: claim + complete
/// (a free key: two round trips) and a replay (a finished key: one round trip), beside the backend's raw round trip.
/// </summary>
/// <remarks>
/// Claims cycle through a fixed pool of keys whose responses are retained for the shortest retention, so each key is
/// free again when its turn comes and the stores hold a steady working set (a run makes millions of claims; with
/// fresh keys the in-memory store would grow without bound and time its garbage collector instead).
/// </remarks>
[MemoryDiagnoser]
[SimpleJob]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class IdempotencyBenchmark
{
    private static readonly Order Placed = new("o-1", 2_500, "confirmed");

    private readonly Func<IdempotencyContext, CancellationToken, Task<Order>> _placeOrder = (_, _) => Task.FromResult(Placed);
    private RawBackends _backends = null!;
    private ServiceProvider _memoryServices = null!;
    private ServiceProvider _redisServices = null!;
    private ServiceProvider _postgresServices = null!;
    private IIdempotencyExecutor _memory = null!;
    private IIdempotencyExecutor _redisExecutor = null!;
    private IIdempotencyExecutor _postgresExecutor = null!;
    private static readonly TimeSpan ShortestRetention = TimeSpan.FromMilliseconds(100);
    private static readonly IdempotencyKey[] Pool = Enumerable.Range(0, 1 << 20).Select(i => new IdempotencyKey("customer-1", "order-" + i)).ToArray();

    private long _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _backends = await RawBackends.StartAsync();

        _memoryServices = new ServiceCollection().AddCommerceKit().AddIdempotency(idempotency => idempotency.Configure(Short)).Services.BuildServiceProvider();
        _redisServices = new ServiceCollection().AddCommerceKit()
            .AddRedis(o => o.Configuration = _backends.Redis.Configuration).AddIdempotency(idempotency => idempotency.UseRedis().Configure(Short)).Services.BuildServiceProvider();
        _postgresServices = new ServiceCollection().AddCommerceKit()
            .AddPostgreSql(o => o.ConnectionString = _backends.Postgres.ConnectionString).AddIdempotency(idempotency => idempotency.UsePostgreSql().Configure(Short)).Services.BuildServiceProvider();
        _memory = _memoryServices.GetRequiredService<IIdempotencyExecutor>();
        _redisExecutor = _redisServices.GetRequiredService<IIdempotencyExecutor>();
        _postgresExecutor = _postgresServices.GetRequiredService<IIdempotencyExecutor>();

        // First use connects and creates the schema. The replayed key's response must outlive the run.
        foreach (var executor in new[] { _memory, _redisExecutor, _postgresExecutor })
        {
            await executor.ExecuteResponseAsync(ReplayedKey, "fp", (context, _) => Task.FromResult(context.CreateResponse(Placed)), new IdempotencyOptions { Retention = TimeSpan.FromDays(1) });
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _memoryServices.DisposeAsync();
        await _redisServices.DisposeAsync();
        await _postgresServices.DisposeAsync();
        await _backends.DisposeAsync();
    }

    [BenchmarkCategory("Memory"), Benchmark(Description = "CommerceKit in memory: claim + complete")]
    public Task<IdempotentResult<Order>> MemoryClaimAndComplete() => ClaimAndCompleteAsync(_memory);

    [BenchmarkCategory("Memory"), Benchmark(Description = "CommerceKit in memory: replay")]
    public Task<IdempotentResult<Order>> MemoryReplay() => ReplayAsync(_memory);

    [BenchmarkCategory("Redis"), Benchmark(Baseline = true, Description = "raw Redis round trip (PING)")]
    public Task<TimeSpan> RawRedisRoundTrip() => _backends.PingRedisAsync();

    [BenchmarkCategory("Redis"), Benchmark(Description = "CommerceKit Redis: claim + complete")]
    public Task<IdempotentResult<Order>> RedisClaimAndComplete() => ClaimAndCompleteAsync(_redisExecutor);

    [BenchmarkCategory("Redis"), Benchmark(Description = "CommerceKit Redis: replay")]
    public Task<IdempotentResult<Order>> RedisReplay() => ReplayAsync(_redisExecutor);

    [BenchmarkCategory("PostgreSQL"), Benchmark(Baseline = true, Description = "raw PostgreSQL round trip (SELECT 1)")]
    public Task<object?> RawPostgresRoundTrip() => _backends.SelectOneAsync();

    [BenchmarkCategory("PostgreSQL"), Benchmark(Description = "CommerceKit PostgreSQL: claim + complete")]
    public Task<IdempotentResult<Order>> PostgreSqlClaimAndComplete() => ClaimAndCompleteAsync(_postgresExecutor);

    [BenchmarkCategory("PostgreSQL"), Benchmark(Description = "CommerceKit PostgreSQL: replay")]
    public Task<IdempotentResult<Order>> PostgreSqlReplay() => ReplayAsync(_postgresExecutor);

    private static IdempotencyKey ReplayedKey { get; } = new("customer-1", "replayed");

    private static void Short(IdempotencyOptions options) => options.Retention = ShortestRetention;

    // Checked, so a key reused before its retention ended cannot pass a replay off as a claim, nor the reverse.
    private async Task<IdempotentResult<Order>> ClaimAndCompleteAsync(IIdempotencyExecutor executor)
    {
        var result = await executor.ExecuteAsync(Pool[Interlocked.Increment(ref _next) & (Pool.Length - 1)], "fp", _placeOrder);
        return result.IsReplay ? throw new InvalidOperationException("A pooled key was still retained: enlarge the pool.") : result;
    }

    private async Task<IdempotentResult<Order>> ReplayAsync(IIdempotencyExecutor executor)
    {
        var result = await executor.ExecuteAsync(ReplayedKey, "fp", _placeOrder);
        return result.IsReplay ? result : throw new InvalidOperationException("The replayed key ran again.");
    }

    public sealed record Order(string OrderId, int TotalCents, string Status);
}
