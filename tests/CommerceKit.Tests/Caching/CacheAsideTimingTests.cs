using CommerceKit.Caching;
using CommerceKit.Caching.Engine;
using CommerceKit.ConformanceTests.Fixtures;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.Tests.Caching;

/// <summary>Early refresh, soft timeouts and the size cap, on a fake clock.</summary>
public sealed class CacheAsideTimingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Under_steady_reads_a_slow_factory_is_refreshed_before_expiry_and_no_reader_waits_for_it()
    {
        using var cache = Cache();
        var options = new CacheEntryOptions { Duration = TimeSpan.FromSeconds(60) };
        var calls = 0;
        var refresh = new TaskCompletionSource<int>();
        ValueTask<int> Factory(CacheFactoryContext context, CancellationToken token)
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                // The factory takes 10 s (δ): the chance that 120 reads half a second apart all skip the refresh is below 1e-9.
                _time.Advance(TimeSpan.FromSeconds(10));
                return ValueTask.FromResult(1);
            }

            return new ValueTask<int>(refresh.Task);
        }

        await cache.GetOrCreateAsync("k", Factory, options);
        var readsBeforeRefresh = 0;
        while (calls == 1)
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            var read = cache.GetOrCreateAsync("k", Factory, options);
            Assert.True(read.IsCompletedSuccessfully, "a reader waited");
            Assert.Equal(1, await read);
            readsBeforeRefresh++;
        }

        var leftBeforeExpiry = TimeSpan.FromSeconds(60) - TimeSpan.FromMilliseconds(500 * readsBeforeRefresh);
        refresh.SetResult(2);
        await Eventually.HoldsAsync(async () => await cache.GetOrCreateAsync("k", Factory, options) == 2, Deadline, "the refreshed value is served");

        Assert.Equal(2, calls);
        Assert.InRange(leftBeforeExpiry, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task With_early_refresh_off_a_read_at_expiry_runs_the_factory_in_the_foreground()
    {
        using var cache = Cache();
        var options = new CacheEntryOptions { Duration = TimeSpan.FromSeconds(10), EarlyRefreshBeta = 0 };
        var calls = 0;
        await cache.GetOrCreateAsync("k", (_, _) => ValueTask.FromResult(++calls), options);

        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Equal(1, await cache.GetOrCreateAsync("k", (_, _) => ValueTask.FromResult(++calls), options));
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(2, await cache.GetOrCreateAsync("k", (_, _) => ValueTask.FromResult(++calls), options));
    }

    [Fact]
    public async Task Past_the_soft_timeout_a_caller_gets_the_stale_value_and_the_factory_updates_the_cache_when_it_ends()
    {
        using var cache = Cache();
        var options = new CacheEntryOptions
        {
            Duration = TimeSpan.FromSeconds(10),
            FailSafeMaxDuration = TimeSpan.FromHours(1),
            SoftTimeout = TimeSpan.FromMilliseconds(100),
            EarlyRefreshBeta = 0,
        };
        await cache.GetOrCreateAsync("k", (_, _) => ValueTask.FromResult("old"), options);
        _time.Advance(TimeSpan.FromSeconds(11));
        var slow = new TaskCompletionSource<string>();

        var reading = cache.GetOrCreateAsync("k", (_, _) => new ValueTask<string>(slow.Task), options).AsTask();
        await Eventually.HoldsAsync(() => Task.FromResult(StepClock(reading)), Deadline, "the caller got an answer");
        slow.SetResult("new");

        Assert.Equal("old", await reading);
        await Eventually.HoldsAsync(async () => (await cache.TryGetAsync<string>("k")) is { Value: "new", IsStale: false }, Deadline, "the late value was stored");
    }

    [Fact]
    public async Task The_cache_keeps_at_most_its_maximum_entries_dropping_those_closest_to_expiry()
    {
        using var cache = Cache(o => o.MaxEntries = 100);

        for (var i = 0; i < 1000; i++)
        {
            await cache.SetAsync("k" + i, i, new CacheEntryOptions { Duration = TimeSpan.FromSeconds(1000 + i) });
        }

        await Eventually.HoldsAsync(() => Task.FromResult(cache.Count <= 100), Deadline, "the cache was trimmed");
        Assert.True((await cache.TryGetAsync<int>("k999")).HasValue);
    }

    [Fact]
    public async Task The_cache_is_trimmed_while_many_tasks_add_entries()
    {
        using var cache = Cache(o => o.MaxEntries = 50);
        var options = new CacheEntryOptions { Duration = TimeSpan.FromHours(1) };

        // Thousands of trims run while entries are added: a trim that cannot read the growing dictionary ends the process.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                await cache.SetAsync($"w{writer}:{i}", i, options);
            }
        })));

        await Eventually.HoldsAsync(() => Task.FromResult(cache.Count <= 50), Deadline, "the cache was trimmed");
        await cache.SetAsync("last", 1, options);
        Assert.True((await cache.TryGetAsync<int>("last")).HasValue);
    }

    [Fact]
    public async Task The_sweep_drops_entries_past_their_fail_safe_time()
    {
        using var cache = Cache();
        await cache.SetAsync("k", 1, new CacheEntryOptions { Duration = TimeSpan.FromSeconds(10) });
        await cache.SetAsync("kept", 1, new CacheEntryOptions { Duration = TimeSpan.FromHours(1) });

        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, cache.Count);
    }

    private bool StepClock(Task reading)
    {
        _time.Advance(TimeSpan.FromMilliseconds(50));
        return reading.IsCompleted;
    }

    private CacheAside Cache(Action<CachingOptions>? configure = null)
    {
        var options = new CachingOptions();
        configure?.Invoke(options);
        return new CacheAside(Options.Create(options), _time);
    }
}
