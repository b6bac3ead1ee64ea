using CommerceKit.Caching;
using CommerceKit.ConformanceTests.Coverage;
using CommerceKit.ConformanceTests.Fixtures;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CommerceKit.ConformanceTests.Caching;

/// <summary>What every cache configuration must do: one factory call per missed key, owner-checked stores, tags, fail-safe, timeouts.</summary>
[ConformanceSuite("Caching", ConformanceBackend.InMemory, ConformanceBackend.Redis, ConformanceBackend.RedisCluster)]
public abstract class CachingConformanceTests : BackendSuite<CacheBackend>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];
    private readonly Lazy<ICacheAside[]> _modelInstances;

    protected CachingConformanceTests()
    {
        _modelInstances = new(() => [Backend.CreateCache(), Backend.CreateCache()]);
    }

    // FsCheck calls the method once per case: the two instances are the test's, shared by every case under its own keys.
    [Property(MaxTest = 30)]
    public Property Random_operations_on_two_instances_converge_to_the_model_after_every_step() =>
        Prop.ForAll(CacheInstancesModel.Steps, async steps =>
        {
            var prefix = Guid.NewGuid().ToString("N")[..6] + "-";
            var difference = await new CacheInstancesModel(_modelInstances.Value, name => Key(prefix + name)).RunAsync(steps);
            Assert.True(difference is null, difference);
            return true;
        });

    [Fact]
    public async Task A_miss_runs_the_factory_and_a_hit_does_not()
    {
        var cache = Backend.CreateCache();
        var calls = 0;

        var first = await cache.GetOrCreateAsync(Key("a"), (_, _) => ValueTask.FromResult(++calls));
        var second = await cache.GetOrCreateAsync(Key("a"), (_, _) => ValueTask.FromResult(++calls));

        Assert.Equal((1, 1, 1), (first, second, calls));
    }

    [Fact]
    public async Task A_thousand_concurrent_misses_on_three_instances_run_the_factory_once_and_all_get_its_value()
    {
        ICacheAside[] caches = [Backend.CreateCache(), Backend.CreateCache(), Backend.CreateCache()];
        var calls = 0;
        var release = new TaskCompletionSource();

        var readers = Enumerable.Range(0, 1000).Select(i => Task.Run(async () => await caches[i % 3].GetOrCreateAsync(Key("hot"), async (_, _) =>
        {
            Interlocked.Increment(ref calls);
            await release.Task;
            return "value";
        }).AsTask())).ToList();
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        release.SetResult();
        var values = await Task.WhenAll(readers).WaitAsync(Deadline);

        Assert.Equal(1, calls);
        Assert.All(values, value => Assert.Equal("value", value));
    }

    [Fact]
    public async Task Callers_arriving_while_the_factory_finishes_never_start_a_second_one()
    {
        var cache = Backend.CreateCache();
        for (var round = 0; round < 50; round++)
        {
            var calls = 0;
            var key = Key("round-" + round);
            var readers = new Task<int>[1000];

            // One thread keeps arriving while the factory completes on another, as a request loop does.
            for (var i = 0; i < readers.Length; i++)
            {
                readers[i] = cache.GetOrCreateAsync(key, async (_, _) =>
                {
                    Interlocked.Increment(ref calls);
                    await Task.Delay(1);
                    return round;
                }).AsTask();
            }

            await Task.WhenAll(readers).WaitAsync(Deadline);
            Assert.Equal(1, calls);
        }
    }

    [Fact]
    public async Task A_factory_failure_reaches_every_waiting_caller_and_is_not_cached()
    {
        var cache = Backend.CreateCache();
        var release = new TaskCompletionSource();
        var calls = 0;
        ValueTask<int> Failing(CacheFactoryContext context, CancellationToken token) => new(Fail());
        async Task<int> Fail()
        {
            Interlocked.Increment(ref calls);
            await release.Task;
            throw new InvalidOperationException("the database is down");
        }

        var waiting = Enumerable.Range(0, 10).Select(_ => cache.GetOrCreateAsync(Key("a"), Failing).AsTask()).ToList();
        release.SetResult();
        foreach (var caller in waiting)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => caller);
        }

        Assert.Equal(1, calls);
        Assert.Equal(7, await cache.GetOrCreateAsync(Key("a"), (_, _) => ValueTask.FromResult(7)));
    }

    [Fact]
    public async Task A_set_or_a_removal_made_while_a_factory_runs_is_not_overwritten_by_it()
    {
        var cache = Backend.CreateCache();
        var release = new TaskCompletionSource();
        async ValueTask<string> Slow(CacheFactoryContext context, CancellationToken token)
        {
            await release.Task;
            return "from the factory";
        }

        var loading = cache.GetOrCreateAsync(Key("set"), Slow).AsTask();
        await cache.SetAsync(Key("set"), "set meanwhile");
        var removing = cache.GetOrCreateAsync(Key("removed"), Slow).AsTask();
        await cache.RemoveAsync(Key("removed"));
        release.SetResult();

        Assert.Equal("from the factory", await loading);
        Assert.Equal("from the factory", await removing);
        Assert.Equal("set meanwhile", (await cache.TryGetAsync<string>(Key("set"))).Value);
        Assert.False((await cache.TryGetAsync<string>(Key("removed"))).HasValue);
    }

    [Fact]
    public async Task A_set_on_another_instance_while_a_factory_runs_is_not_overwritten_by_it()
    {
        ICacheAside[] caches = [Backend.CreateCache(), Backend.CreateCache(), Backend.CreateCache()];
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource();

        var loading = caches[0].GetOrCreateAsync(Key("a"), async (_, _) =>
        {
            started.SetResult();
            await release.Task;
            return "from the factory";
        }).AsTask();
        await started.Task.WaitAsync(Deadline);
        await caches[1].SetAsync(Key("a"), "set meanwhile");
        release.SetResult();

        Assert.Equal("from the factory", await loading);
        Assert.Equal("set meanwhile", await caches[2].GetOrCreateAsync(Key("a"), (_, _) => ValueTask.FromResult("a second factory")));
        Assert.Equal("set meanwhile", (await caches[1].TryGetAsync<string>(Key("a"))).Value);
    }

    [Fact]
    public async Task Set_remove_and_tag_removal_on_one_instance_reach_the_others_within_a_second()
    {
        var writer = Backend.CreateCache();
        var reader = Backend.CreateCache();
        var tagged = new CacheEntryOptions { Tags = [Key("category")] };
        await writer.SetAsync(Key("set"), "old");
        await writer.SetAsync(Key("removed"), "old");
        await writer.SetAsync(Key("tagged"), "old", tagged);
        foreach (var key in new[] { Key("set"), Key("removed"), Key("tagged") })
        {
            Assert.Equal("old", await reader.GetOrCreateAsync(key, (_, _) => ValueTask.FromResult("from the factory"), tagged));
        }

        await writer.SetAsync(Key("set"), "new");
        await writer.RemoveAsync(Key("removed"));
        await writer.RemoveByTagAsync(Key("category"));

        await Eventually.HoldsAsync(
            async () => (await reader.TryGetAsync<string>(Key("set"))).Value == "new"
                && !(await reader.TryGetAsync<string>(Key("removed"))).HasValue
                && !(await reader.TryGetAsync<string>(Key("tagged"))).HasValue,
            TimeSpan.FromSeconds(1),
            "the other instance stops serving the old values");
    }

    [Fact]
    public async Task Under_steady_reads_early_refresh_reloads_a_hot_key_once_before_it_expires_and_no_reader_waits()
    {
        ICacheAside[] caches = [Backend.CreateCache(), Backend.CreateCache(), Backend.CreateCache()];
        var options = new CacheEntryOptions { Duration = TimeSpan.FromSeconds(3) };
        var calls = 0;
        async ValueTask<int> Slow(CacheFactoryContext context, CancellationToken token)
        {
            var call = Interlocked.Increment(ref calls);
            await Task.Delay(100, token);
            return call;
        }

        foreach (var cache in caches)
        {
            await cache.GetOrCreateAsync(Key("hot"), Slow, options);
        }

        // Past the first value's expiry, short of the refreshed value's early-refresh window.
        var reading = System.Diagnostics.Stopwatch.StartNew();
        var waited = 0;
        await Task.WhenAll(caches.Select(cache => Task.Run(async () =>
        {
            while (reading.Elapsed < TimeSpan.FromSeconds(4))
            {
                var read = cache.GetOrCreateAsync(Key("hot"), Slow, options);
                if (!read.IsCompleted)
                {
                    Interlocked.Increment(ref waited);
                }

                await read;
                await Task.Delay(1);
            }
        })));

        Assert.Equal(0, waited);
        Assert.Equal(2, calls);
        foreach (var cache in caches)
        {
            Assert.Equal(2, (await cache.TryGetAsync<int>(Key("hot"))).Value);
        }
    }

    [Fact]
    public async Task Set_replaces_and_remove_deletes_a_value()
    {
        var cache = Backend.CreateCache();

        await cache.SetAsync(Key("a"), 1);
        var afterSet = await cache.GetOrCreateAsync(Key("a"), (_, _) => ValueTask.FromResult(2));
        await cache.RemoveAsync(Key("a"));
        var afterRemove = await cache.TryGetAsync<int>(Key("a"));

        Assert.Equal(1, afterSet);
        Assert.False(afterRemove.HasValue);
        Assert.Equal(3, await cache.GetOrCreateAsync(Key("a"), (_, _) => ValueTask.FromResult(3)));
    }

    [Fact]
    public async Task Removing_a_tag_misses_every_entry_made_with_it_and_only_those()
    {
        var cache = Backend.CreateCache();
        var tagged = new CacheEntryOptions { Tags = [Key("category-1")] };
        await cache.SetAsync(Key("p1"), "p1", tagged);
        await cache.GetOrCreateAsync(Key("p2"), (_, _) => ValueTask.FromResult("p2"), tagged);
        await cache.SetAsync(Key("other"), "other");

        await cache.RemoveByTagAsync(Key("category-1"));

        Assert.False((await cache.TryGetAsync<string>(Key("p1"))).HasValue);
        Assert.Equal("p2 again", await cache.GetOrCreateAsync(Key("p2"), (_, _) => ValueTask.FromResult("p2 again"), tagged));
        Assert.Equal("other", (await cache.TryGetAsync<string>(Key("other"))).Value);
    }

    [Fact]
    public async Task With_fail_safe_a_failing_factory_is_answered_with_the_stale_value_and_retried_after_the_throttle()
    {
        var cache = Backend.CreateCache();
        var options = new CacheEntryOptions
        {
            Duration = TimeSpan.FromMilliseconds(100),
            FailSafeMaxDuration = TimeSpan.FromHours(1),
            FailSafeThrottleDuration = TimeSpan.FromSeconds(2),
        };
        var calls = 0;
        await cache.GetOrCreateAsync(Key("a"), (_, _) => ValueTask.FromResult("fresh"), options);
        await Eventually.HoldsAsync(async () => (await cache.TryGetAsync<string>(Key("a"))).IsStale, Deadline, "the value expired");

        var served = await cache.GetOrCreateAsync<string>(Key("a"), (_, _) => { calls++; throw new InvalidOperationException("down"); }, options);
        var again = await cache.GetOrCreateAsync<string>(Key("a"), (_, _) => { calls++; throw new InvalidOperationException("down"); }, options);
        var read = await cache.TryGetAsync<string>(Key("a"));

        Assert.Equal(("fresh", "fresh", 1), (served, again, calls));
        Assert.True(read.IsStale);
        await Eventually.HoldsAsync(
            async () => await cache.GetOrCreateAsync(Key("a"), (_, _) => ValueTask.FromResult("recovered"), options) == "recovered",
            Deadline,
            "the factory is tried again after the throttle");
    }

    [Fact]
    public async Task Without_fail_safe_a_failing_factory_throws_once_the_value_expired()
    {
        var cache = Backend.CreateCache();
        var options = new CacheEntryOptions { Duration = TimeSpan.FromMilliseconds(100) };
        await cache.GetOrCreateAsync(Key("a"), (_, _) => ValueTask.FromResult("fresh"), options);
        await Eventually.HoldsAsync(async () => !(await cache.TryGetAsync<string>(Key("a"))).HasValue, Deadline, "the value expired");

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await cache.GetOrCreateAsync<string>(Key("a"), (_, _) => throw new InvalidOperationException("down"), options));
    }

    [Fact]
    public async Task Past_the_hard_timeout_a_caller_without_a_stale_value_gets_a_timeout_and_the_factory_still_fills_the_cache()
    {
        var cache = Backend.CreateCache();
        var release = new TaskCompletionSource();
        var options = new CacheEntryOptions { HardTimeout = TimeSpan.FromMilliseconds(100) };

        await Assert.ThrowsAsync<TimeoutException>(async () => await cache.GetOrCreateAsync(Key("a"), async (_, _) =>
        {
            await release.Task;
            return "late";
        }, options));
        release.SetResult();

        await Eventually.HoldsAsync(async () => (await cache.TryGetAsync<string>(Key("a"))).Value == "late", Deadline, "the late value was stored");
    }

    [Fact]
    public async Task A_cancelled_caller_stops_waiting_while_the_others_get_the_value()
    {
        var cache = Backend.CreateCache();
        var release = new TaskCompletionSource();
        using var cancel = new CancellationTokenSource();
        async ValueTask<string> Slow(CacheFactoryContext context, CancellationToken token)
        {
            await release.Task;
            return "value";
        }

        var cancelled = cache.GetOrCreateAsync(Key("a"), Slow, cancellationToken: cancel.Token).AsTask();
        var patient = cache.GetOrCreateAsync(Key("a"), Slow).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        release.SetResult();

        Assert.Equal("value", await patient);
    }

    [Fact]
    public async Task Many_keys_load_their_misses_in_one_factory_call_and_leave_out_what_it_does_not_return()
    {
        var cache = Backend.CreateCache();
        await cache.SetAsync(Key("cached"), "cached");
        var batches = new List<IReadOnlyList<string>>();

        var values = await cache.GetOrCreateManyAsync<string>([Key("cached"), Key("a"), Key("b"), Key("absent")], (missing, _) =>
        {
            batches.Add(missing);
            return ValueTask.FromResult<IReadOnlyDictionary<string, string>>(missing.Where(k => k != Key("absent")).ToDictionary(k => k, k => "made " + k));
        });
        var again = await cache.GetOrCreateManyAsync<string>([Key("a"), Key("b")], (missing, _) =>
        {
            batches.Add(missing);
            return ValueTask.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
        });

        Assert.Equal([Key("a"), Key("absent"), Key("b")], Assert.Single(batches).Order());
        Assert.Equal(3, values.Count);
        Assert.Equal("cached", values[Key("cached")]);
        Assert.Equal("made " + Key("a"), again[Key("a")]);
        Assert.False(values.ContainsKey(Key("absent")));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_the_parameter_name()
    {
        var cache = Backend.CreateCache();
        ValueTask<int> Factory(CacheFactoryContext context, CancellationToken token) => new(1);

        Assert.Equal("key", (await Assert.ThrowsAsync<ArgumentNullException>(async () => await cache.GetOrCreateAsync(null!, Factory))).ParamName);
        Assert.Equal("key", (await Assert.ThrowsAsync<ArgumentException>(async () => await cache.GetOrCreateAsync("", Factory))).ParamName);
        Assert.Equal("key", (await Assert.ThrowsAsync<ArgumentException>(async () => await cache.SetAsync("a\nb", 1))).ParamName);
        Assert.Equal("options", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await cache.GetOrCreateAsync(Key("a"), Factory, new CacheEntryOptions { Duration = TimeSpan.FromSeconds(-1) }))).ParamName);
        Assert.Equal("options", (await Assert.ThrowsAsync<ArgumentException>(async () =>
            await cache.SetAsync(Key("a"), 1, new CacheEntryOptions { Tags = [""] }))).ParamName);
        Assert.Equal("tag", (await Assert.ThrowsAsync<ArgumentException>(async () => await cache.RemoveByTagAsync(" "))).ParamName);
        Assert.Equal("keys", (await Assert.ThrowsAsync<ArgumentException>(async () =>
            await cache.GetOrCreateManyAsync<int>([""], (_, _) => ValueTask.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>())))).ParamName);
    }

    private string Key(string name) => $"{name}-{_id}";
}
