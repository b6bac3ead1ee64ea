using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Redis.Scripting;
using StackExchange.Redis;

namespace CommerceKit.Redis.Tests;

public sealed class RedisClusterTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    private static readonly RedisScript s_copy = new("""
        redis.call('SET', KEYS[2], redis.call('GET', KEYS[1]), 'PX', ARGV[1])
        return redis.call('GET', KEYS[2])
        """);

    [Fact]
    public async Task Values_round_trip_across_all_three_masters()
    {
        await using var services = RedisTestServices.Create(cluster.Configuration);
        var connection = services.Connection();
        var multiplexer = await connection.GetMultiplexerAsync(default);
        var keys = Enumerable.Range(0, 30).Select(i => connection.Keys.For("test", $"entity-{i}", "value")).ToList();

        foreach (var key in keys)
        {
            await connection.ExecuteAsync((db, k) => db.StringSetAsync(k, k.ToString(), TimeSpan.FromMinutes(1)), key, default);
        }

        foreach (var key in keys)
        {
            Assert.Equal(key.ToString(), (string?)await connection.ExecuteAsync((db, k) => db.StringGetAsync(k), key, default));
        }

        var topology = multiplexer.GetServers()[0].ClusterConfiguration!;
        var mastersUsed = keys.Select(key => topology.GetBySlot(key)!.EndPoint!.ToString()).Distinct().Count();
        Assert.Equal(3, mastersUsed);
    }

    [Fact]
    public async Task A_script_may_touch_every_key_of_one_entity_because_they_share_a_slot()
    {
        await using var services = RedisTestServices.Create(cluster.Configuration);
        var connection = services.Connection();
        var source = connection.Keys.For("test", "SKU-42", "source");
        var target = connection.Keys.For("test", "SKU-42", "target");
        await connection.ExecuteAsync((db, k) => db.StringSetAsync(k, "payload", TimeSpan.FromMinutes(1)), source, default);

        var copied = await connection.ExecuteAsync((db, keys) => s_copy.EvaluateAsync(db, keys, [60_000]), new RedisKey[] { source, target }, default);

        Assert.Equal("payload", (string?)copied);
    }

    [Fact]
    public async Task Keys_of_different_entities_spread_over_slots()
    {
        await using var services = RedisTestServices.Create(cluster.Configuration);
        var connection = services.Connection();
        var multiplexer = await connection.GetMultiplexerAsync(default);

        var slots = Enumerable.Range(0, 50)
            .Select(i => multiplexer.HashSlot(connection.Keys.For("test", $"entity-{i}", "value")))
            .Distinct()
            .Count();

        Assert.True(slots > 40, $"50 entities fell into only {slots} slots");
    }
}
