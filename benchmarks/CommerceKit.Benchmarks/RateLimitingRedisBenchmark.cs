using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using CommerceKit.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CommerceKit.Benchmarks;

/// <summary>
/// One Redis rate-limit decision (a token-bucket script on one hot key) at 1 and 64 concurrent callers, beside a raw
/// PING and the same script called raw (EVALSHA) at the same concurrency. With 64 callers a row is the time of all
/// 64 calls together, so the ratio is throughput.
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
    private readonly RedisKey[] _rawKeys = ["bench:{raw-bucket}:tb"];
    private readonly RedisValue[] _rawValues = [1, 1_000_000, 1];

    [Params(1, 64)]
    public int Callers { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _redis = await BenchmarkRedis.StartAsync();
        _multiplexer = await _redis.ConnectRawAsync();
        _database = _multiplexer.GetDatabase();
        _services = new ServiceCollection().AddCommerceKit().AddRedis(o => o.Configuration = _redis.Configuration).AddRateLimiting(limits => limits.UseRedis())
            .Services.BuildServiceProvider();
        _limiter = _services.GetRequiredService<IRateLimiterProvider>().CreateLimiter("bench-hot", new TokenBucketPolicy(1_000_000, TimeSpan.FromSeconds(1)));
        (await _limiter.AcquireAsync()).Dispose();
        _calls = new Task[Callers];
        await CommerceKit.Redis.RateLimiting.RateLimitScripts.TokenBucket.EvaluateAsync(_database, _rawKeys, _rawValues);
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

    [Benchmark(Description = "raw EVALSHA of the token-bucket script")]
    public Task RawScript()
    {
        for (var i = 0; i < _calls.Length; i++)
        {
            _calls[i] = _database.ScriptEvaluateAsync(CommerceKit.Redis.RateLimiting.RateLimitScripts.TokenBucket.Sha1, _rawKeys, _rawValues);
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
