using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using CommerceKit.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CommerceKit.Benchmarks;

/// <summary>
/// One Redis rate-limit decision (a token-bucket script on one hot key) at 1 and 64 concurrent callers, beside a raw
/// PING at the same concurrency: the cost per operation, so the ratio is the decision's price over one round trip.
/// </summary>
[MemoryDiagnoser]
public class RateLimitingRedisBenchmark
{
    private BenchmarkRedis _redis = null!;
    private ConnectionMultiplexer _multiplexer = null!;
    private IDatabase _database = null!;
    private ServiceProvider _services = null!;
    private RateLimiter _limiter = null!;
    private Task[] _calls = null!;

    [Params(1, 64)]
    public int Callers { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _redis = await BenchmarkRedis.StartAsync();
        _multiplexer = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        _database = _multiplexer.GetDatabase();
        _services = new ServiceCollection().AddCommerceKit().AddRedis(o => o.Configuration = _redis.Configuration).AddRedisRateLimiter()
            .Services.BuildServiceProvider();
        _limiter = _services.GetRequiredService<IRateLimiterProvider>().CreateLimiter("bench-hot", new TokenBucketPolicy(1_000_000, TimeSpan.FromSeconds(1)));
        (await _limiter.AcquireAsync()).Dispose();
        _calls = new Task[Callers];
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _limiter.Dispose();
        await _services.DisposeAsync();
        await _multiplexer.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "raw PING")]
    public Task RawPing()
    {
        for (var i = 0; i < _calls.Length; i++)
        {
            _calls[i] = _database.PingAsync();
        }

        return Task.WhenAll(_calls);
    }

    [Benchmark(Description = "CommerceKit Redis decision")]
    public Task Decision()
    {
        for (var i = 0; i < _calls.Length; i++)
        {
            _calls[i] = DecideAsync();
        }

        return Task.WhenAll(_calls);
    }

    private async Task DecideAsync()
    {
        using var lease = await _limiter.AcquireAsync();
    }
}
