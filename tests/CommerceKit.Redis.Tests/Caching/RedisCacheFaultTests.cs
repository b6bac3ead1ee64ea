using CommerceKit.Caching;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.TestServers;

namespace CommerceKit.Redis.Tests.Caching;

/// <summary>Each test starts its own redis-server, or kills a loading process.</summary>
public sealed class RedisCacheFaultTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task While_redis_server_is_down_reads_keep_answering_and_after_a_restart_the_instances_share_again_and_hear_of_the_changes_they_missed()
    {
        await using var server = await RedisServer.StartAsync();
        await using var backend = new RedisCacheBackend(server.Configuration);
        ICacheAside[] caches = [backend.CreateCache(), backend.CreateCache()];
        var options = new CacheEntryOptions { Duration = TimeSpan.FromMilliseconds(200), FailSafeMaxDuration = TimeSpan.FromHours(1) };
        Assert.Equal("before", await caches[0].GetOrCreateAsync("product", (_, _) => ValueTask.FromResult("before"), options));
        Assert.Equal("before", await caches[1].GetOrCreateAsync("product", (_, _) => ValueTask.FromResult("not shared"), options));
        foreach (var key in new[] { "changed", "removed", "tagged" })
        {
            var lasting = new CacheEntryOptions { Duration = TimeSpan.FromHours(1), Tags = key == "tagged" ? ["category"] : [] };
            await caches[0].SetAsync(key, "before", lasting);
            Assert.Equal("before", await caches[1].GetOrCreateAsync(key, (_, _) => ValueTask.FromResult("not shared"), lasting));
        }

        server.Kill();
        await caches[0].SetAsync("changed", "during", new CacheEntryOptions { Duration = TimeSpan.FromHours(1) });
        await caches[0].RemoveAsync("removed");
        await caches[0].RemoveByTagAsync("category");
        var reading = System.Diagnostics.Stopwatch.StartNew();
        for (var round = 0; reading.Elapsed < TimeSpan.FromSeconds(3); round++)
        {
            foreach (var cache in caches)
            {
                // The known key answers fresh from the factory, or stale when the database fails too; a new key
                // answers from the factory.
                var product = round % 2 == 0
                    ? await cache.GetOrCreateAsync("product", (_, _) => ValueTask.FromResult("during"), options)
                    : await cache.GetOrCreateAsync<string>("product", (_, _) => throw new InvalidOperationException("the database is down too"), options);
                Assert.Contains(product, new[] { "before", "during" });
                Assert.Equal("new " + round, await cache.GetOrCreateAsync($"new-{round}", (_, _) => ValueTask.FromResult("new " + round), options));
                await cache.SetAsync("set", round);
                await cache.RemoveByTagAsync("tag");
            }

            await Task.Delay(100);
        }

        await server.RestartAsync();
        await Eventually.HoldsAsync(
            async () =>
            {
                await caches[0].SetAsync("healed", "shared");
                return (await caches[1].TryGetAsync<string>("healed")).Value == "shared";
            },
            Deadline,
            "a value set on one instance reaches the other through Redis again");
        Assert.Equal("after", await caches[1].GetOrCreateAsync("product-after", (_, _) => ValueTask.FromResult("after"), options));
        foreach (var key in new[] { "changed", "removed", "tagged" })
        {
            await Eventually.HoldsAsync(
                async () => (await caches[1].TryGetAsync<string>(key)).Value != "before",
                Deadline,
                $"the other instance hears of the change to '{key}' made while Redis was down");
        }

        await caches[1].RemoveAsync("healed");
        await Eventually.HoldsAsync(async () => !(await caches[0].TryGetAsync<string>("healed")).HasValue, TimeSpan.FromSeconds(1), "removals reach the other instance again");
    }

    [Fact]
    public async Task When_the_loading_process_is_killed_the_key_is_loaded_once_elsewhere_after_its_lease_ends()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backend = new RedisCacheBackend(redis.Configuration);
        var lease = TimeSpan.FromSeconds(1);
        using var holder = await LeaseHolderProcess.StartAsync(LeaseHolderProcess.Arguments("cache", "redis", redis.Configuration, backend.KeyPrefix, "hot", lease));
        ICacheAside[] caches = [backend.CreateCache(o => o.DistributedLoadLease = lease), backend.CreateCache(o => o.DistributedLoadLease = lease)];
        var calls = 0;

        var readers = Enumerable.Range(0, 20).Select(i => caches[i % 2].GetOrCreateAsync("hot", (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.FromResult("loaded here");
        }).AsTask()).ToList();
        await Task.Delay(300);
        Assert.Equal(0, calls);
        holder.Kill();
        var values = await Task.WhenAll(readers).WaitAsync(Deadline);

        Assert.Equal(1, calls);
        Assert.All(values, value => Assert.Equal("loaded here", value));
    }
}
