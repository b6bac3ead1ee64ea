using BenchmarkDotNet.Attributes;
using CommerceKit.Caching;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using ZiggyCreatures.Caching.Fusion;

namespace CommerceKit.Benchmarks;

/// <summary>
/// The in-process cache beside <see cref="MemoryCache"/>, FusionCache and HybridCache, each with its defaults and no
/// second level: a hit on one warm key, and 1,000 concurrent misses of one cold key whose factory takes 1 ms (each
/// row checks that its factory ran once).
/// </summary>
[MemoryDiagnoser]
[SimpleJob]
public class CachingBenchmark
{
    private const string Key = "product:SKU-1";
    private const int Misses = 1000;

    private readonly Task<string>[] _misses = new Task<string>[Misses];
    private ServiceProvider _services = null!;
    private MemoryCache _memoryCache = null!;
    private ICacheAside _commerceKit = null!;
    private IFusionCache _fusion = null!;
    private HybridCache _hybrid = null!;
    private long _cold;
    private int _factoryCalls;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var services = new ServiceCollection();
        services.AddCommerceKit().AddCaching();
        services.AddFusionCache();
        services.AddHybridCache();
        _services = services.BuildServiceProvider();
        _memoryCache = new MemoryCache(new MemoryCacheOptions());
        _commerceKit = _services.GetRequiredService<ICacheAside>();
        _fusion = _services.GetRequiredService<IFusionCache>();
        _hybrid = _services.GetRequiredService<HybridCache>();

        _memoryCache.Set(Key, "value", TimeSpan.FromHours(1));
        await _commerceKit.SetAsync(Key, "value", new CacheEntryOptions { Duration = TimeSpan.FromHours(1) });
        await _fusion.SetAsync(Key, "value", TimeSpan.FromHours(1));
        await _hybrid.SetAsync(Key, "value", new HybridCacheEntryOptions { Expiration = TimeSpan.FromHours(1), LocalCacheExpiration = TimeSpan.FromHours(1) });
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _memoryCache.Dispose();
        await _services.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "hit: MemoryCache.TryGetValue")]
    [BenchmarkCategory("hit")]
    public string? MemoryCacheHit() => _memoryCache.TryGetValue(Key, out string? value) ? value : null;

    [Benchmark(Description = "hit: CommerceKit GetOrCreateAsync")]
    [BenchmarkCategory("hit")]
    public ValueTask<string> CommerceKitHit() => _commerceKit.GetOrCreateAsync(Key, static (_, _) => ValueTask.FromResult("miss"));

    [Benchmark(Description = "hit: FusionCache GetOrSetAsync")]
    [BenchmarkCategory("hit")]
    public ValueTask<string> FusionCacheHit() => _fusion.GetOrSetAsync<string>(Key, static (_, _) => Task.FromResult("miss"));

    [Benchmark(Description = "hit: HybridCache GetOrCreateAsync")]
    [BenchmarkCategory("hit")]
    public ValueTask<string> HybridCacheHit() => _hybrid.GetOrCreateAsync(Key, static _ => ValueTask.FromResult("miss"));

    [Benchmark(Description = "1,000 concurrent misses: CommerceKit")]
    [BenchmarkCategory("stampede")]
    public Task CommerceKitStampede() => StampedeAsync(key => _commerceKit.GetOrCreateAsync(key, async (_, _) => await LoadAsync()).AsTask());

    [Benchmark(Description = "1,000 concurrent misses: FusionCache")]
    [BenchmarkCategory("stampede")]
    public Task FusionCacheStampede() => StampedeAsync(key => _fusion.GetOrSetAsync<string>(key, async (_, _) => await LoadAsync()).AsTask());

    [Benchmark(Description = "1,000 concurrent misses: HybridCache")]
    [BenchmarkCategory("stampede")]
    public Task HybridCacheStampede() => StampedeAsync(key => _hybrid.GetOrCreateAsync(key, async _ => await LoadAsync()).AsTask());

    private async Task StampedeAsync(Func<string, Task<string>> get)
    {
        var key = "cold:" + Interlocked.Increment(ref _cold);
        _factoryCalls = 0;
        for (var i = 0; i < Misses; i++)
        {
            _misses[i] = get(key);
        }

        await Task.WhenAll(_misses);
        if (_factoryCalls != 1)
        {
            throw new InvalidOperationException($"The factory ran {_factoryCalls} times for one key.");
        }
    }

    private async Task<string> LoadAsync()
    {
        Interlocked.Increment(ref _factoryCalls);
        await Task.Delay(1);
        return "loaded";
    }
}
