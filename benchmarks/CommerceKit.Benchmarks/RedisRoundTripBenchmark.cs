using BenchmarkDotNet.Attributes;
using CommerceKit.Redis.Connection;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CommerceKit.Benchmarks;

/// <summary>
/// The yardstick every Redis-backed benchmark compares to: one round trip through StackExchange.Redis, raw and
/// through CommerceKit's shared connection (which adds the Polly pipeline and outage translation). The raw client reads
/// its socket on the thread pool, as CommerceKit's connection does by default; one more row keeps StackExchange.Redis's
/// default (dedicated socket threads), to show what that setting costs.
/// </summary>
[MemoryDiagnoser]
public class RedisRoundTripBenchmark
{
    private BenchmarkRedis _redis = null!;
    private ConnectionMultiplexer _multiplexer = null!;
    private ConnectionMultiplexer _defaultMultiplexer = null!;
    private IDatabase _database = null!;
    private IDatabase _defaultDatabase = null!;
    private ServiceProvider _services = null!;
    private RedisConnection _connection = null!;
    private readonly RedisKey _key = "bench:{roundtrip}:value";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _redis = await BenchmarkRedis.StartAsync();
        _multiplexer = await _redis.ConnectRawAsync();
        _database = _multiplexer.GetDatabase();
        _defaultMultiplexer = await _redis.ConnectRawAsync(defaultSockets: true);
        _defaultDatabase = _defaultMultiplexer.GetDatabase();
        await _database.StringSetAsync(_key, "payload-of-a-typical-small-value");

        _services = new ServiceCollection().AddCommerceKit().AddRedis(o => o.Configuration = _redis.Configuration).Services.BuildServiceProvider();
        _connection = _services.GetRequiredService<RedisConnection>();
        await _connection.GetMultiplexerAsync(default);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        await _multiplexer.DisposeAsync();
        await _defaultMultiplexer.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "raw PING")]
    public Task<TimeSpan> RawPing() => _database.PingAsync();

    [Benchmark(Description = "raw PING, StackExchange.Redis default sockets")]
    public Task<TimeSpan> RawPingOnDefaultSockets() => _defaultDatabase.PingAsync();

    [Benchmark(Description = "raw GET")]
    public Task<RedisValue> RawGet() => _database.StringGetAsync(_key);

    [Benchmark(Description = "CommerceKit connection GET")]
    public Task<RedisValue> CommerceKitGet() => _connection.ExecuteAsync(static (db, key) => db.StringGetAsync(key), _key, default);
}
