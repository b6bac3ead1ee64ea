using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CommerceKit.Caching;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Serialization;

namespace CommerceKit.Benchmarks;

/// <summary>
/// The cache with Redis as its second level beside FusionCache and HybridCache over the same redis-server (through
/// Microsoft.Extensions.Caching.StackExchangeRedis), each with its defaults: 1,000 concurrent misses of one cold key
/// spread over three instances with their own connections (the factory takes 1 ms; the factory calls per run are
/// printed at the end of each benchmark's log), and a second-level hit beside a raw Redis GET of the same value.
/// </summary>
[MemoryDiagnoser]
[SimpleJob]
public class CachingRedisBenchmark
{
    private const int Instances = 3;
    private const int Misses = 1000;
    private const string HotKey = "product:SKU-1";
    private const string Value = "{\"sku\":\"SKU-1\",\"name\":\"A typical product\",\"price\":1999}";

    private readonly Task<string>[] _misses = new Task<string>[Misses];
    private readonly List<ServiceProvider> _services = [];
    private readonly CacheEntryOptions _alwaysFromRedis = new() { Duration = TimeSpan.FromHours(1), LocalDuration = TimeSpan.FromTicks(1) };
    private BenchmarkRedis _redis = null!;
    private ConnectionMultiplexer _raw = null!;
    private ICacheAside[] _commerceKit = null!;
    private IFusionCache[] _fusion = null!;
    private HybridCache[] _hybrid = null!;
    private long _cold;
    private int _factoryCalls;
    private long _runs;
    private long _totalFactoryCalls;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _redis = await BenchmarkRedis.StartAsync();
        var configuration = _redis.Configuration;
        _commerceKit = [.. Enumerable.Range(0, Instances).Select(_ =>
            Instance(services => services.AddCommerceKit(o => o.KeyPrefix = "bench").AddRedis(o => o.Configuration = configuration).AddCaching(caching => caching.UseRedis())).GetRequiredService<ICacheAside>())];
        _fusion = [.. Enumerable.Range(0, Instances).Select(_ => Instance(services => services.AddFusionCache()
            .WithDistributedCache(new RedisCache(new RedisCacheOptions { Configuration = configuration, InstanceName = "fusion:" }), new JsonSerializer()))
            .GetRequiredService<IFusionCache>())];
        _hybrid = [.. Enumerable.Range(0, Instances).Select(_ => Instance(services =>
        {
            services.AddStackExchangeRedisCache(o => (o.Configuration, o.InstanceName) = (configuration, "hybrid:"));
            services.AddHybridCache();
        }).GetRequiredService<HybridCache>())];

        _raw = await _redis.ConnectRawAsync();
        await _raw.GetDatabase().StringSetAsync("raw:" + HotKey, Value);
        await _commerceKit[0].SetAsync(HotKey, Value, _alwaysFromRedis);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_runs > 0)
        {
            Console.WriteLine($"// Factory calls per run: {(double)_totalFactoryCalls / _runs:0.00} over {_runs} runs");
        }

        foreach (var services in _services)
        {
            await services.DisposeAsync();
        }

        await _raw.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "second-level hit: raw Redis GET")]
    [BenchmarkCategory("l2-hit")]
    public async Task<string?> RawGet() => await _raw.GetDatabase().StringGetAsync("raw:" + HotKey);

    [Benchmark(Description = "second-level hit: CommerceKit GetOrCreateAsync")]
    [BenchmarkCategory("l2-hit")]
    public ValueTask<string> CommerceKitSecondLevelHit() => _commerceKit[1].GetOrCreateAsync(HotKey, static (_, _) => ValueTask.FromResult("miss"), _alwaysFromRedis);

    [Benchmark(Description = "1,000 misses on 3 instances: CommerceKit + Redis")]
    [BenchmarkCategory("l2-stampede")]
    public Task CommerceKitStampede() =>
        StampedeAsync((instance, key) => _commerceKit[instance].GetOrCreateAsync(key, async (_, _) => await LoadAsync()).AsTask());

    [Benchmark(Description = "1,000 misses on 3 instances: FusionCache + Redis")]
    [BenchmarkCategory("l2-stampede")]
    public Task FusionCacheStampede() =>
        StampedeAsync((instance, key) => _fusion[instance].GetOrSetAsync<string>(key, async (_, _) => await LoadAsync()).AsTask());

    [Benchmark(Description = "1,000 misses on 3 instances: HybridCache + Redis")]
    [BenchmarkCategory("l2-stampede")]
    public Task HybridCacheStampede() =>
        StampedeAsync((instance, key) => _hybrid[instance].GetOrCreateAsync(key, async _ => await LoadAsync()).AsTask());

    private async Task StampedeAsync(Func<int, string, Task<string>> get)
    {
        var key = $"cold:{Environment.ProcessId}:{Interlocked.Increment(ref _cold)}";
        _factoryCalls = 0;
        for (var i = 0; i < Misses; i++)
        {
            _misses[i] = get(i % Instances, key);
        }

        await Task.WhenAll(_misses);
        _runs++;
        _totalFactoryCalls += _factoryCalls;
    }

    private async Task<string> LoadAsync()
    {
        Interlocked.Increment(ref _factoryCalls);
        await Task.Delay(1);
        return Value;
    }

    private ServiceProvider Instance(Action<IServiceCollection> add)
    {
        var services = new ServiceCollection();
        add(services);
        var provider = services.BuildServiceProvider();
        _services.Add(provider);
        return provider;
    }

    /// <summary>FusionCache's second level needs a serializer; its System.Text.Json package is not on the package source here.</summary>
    private sealed class JsonSerializer : IFusionCacheSerializer
    {
        public byte[] Serialize<T>(T? obj) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(obj, JsonSerializerOptions.Web);

        public T? Deserialize<T>(byte[] data) => System.Text.Json.JsonSerializer.Deserialize<T>(data, JsonSerializerOptions.Web);

        public ValueTask<byte[]> SerializeAsync<T>(T? obj, CancellationToken token = default) => ValueTask.FromResult(Serialize(obj));

        public ValueTask<T?> DeserializeAsync<T>(byte[] data, CancellationToken token = default) => ValueTask.FromResult(Deserialize<T>(data));
    }
}
