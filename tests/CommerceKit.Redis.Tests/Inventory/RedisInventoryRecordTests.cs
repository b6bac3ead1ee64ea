using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Inventory;
using CommerceKit.Redis.Connection;
using CommerceKit.Redis.Inventory;
using CommerceKit.TestServers;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CommerceKit.Redis.Tests.Inventory;

/// <summary>On one server a reservation is one script; a caller that dies half-way leaves nothing the sweeper does not finish; an outage is the documented exception.</summary>
public sealed class RedisInventoryRecordTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task On_one_server_a_reservation_of_several_skus_is_one_script_call()
    {
        await using var services = Services(redis.Configuration);
        var inventory = services.GetRequiredService<IInventory>();
        await inventory.SetStockAsync("a", 5);
        await inventory.SetStockAsync("b", 5);
        await inventory.ReserveAsync(new ReservationRequest("r0", [new("a", 1)], TimeSpan.FromMinutes(1))); // the server learns the script
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var server = admin.GetServer(admin.GetEndPoints()[0]);

        var before = await ScriptCallsAsync(server);
        var result = await inventory.ReserveAsync(new ReservationRequest("r1", [new("a", 1), new("b", 2)], TimeSpan.FromMinutes(1)));
        var after = await ScriptCallsAsync(server);

        Assert.True(result.IsReserved);
        Assert.Equal(1, after - before);
    }

    [Fact]
    public async Task A_confirmation_whose_caller_died_before_selling_the_units_is_finished_by_the_sweeper()
    {
        await using var services = Services(redis.Configuration);
        var store = (RedisInventoryStore)services.GetRequiredService<InventoryStore>();
        var connection = services.GetRequiredService<RedisConnection>();
        await store.SetStockAsync("a", 5);
        var reserved = await store.ReserveAsync(new ReservationRequest("r1", [new("a", 2)], TimeSpan.FromMilliseconds(300)));

        // The caller decided the sale on the record, then died before it reached the SKU.
        await connection.EvaluateAsync(InventoryScripts.Decide, [store.Record("r1")], [(int)ReservationStatus.Confirmed, 0, 60_000], default);
        Assert.Equal(new StockLevel("a", 5, 2), await store.GetStockAsync("a"));

        await Eventually.HoldsAsync(async () => DateTimeOffset.UtcNow > reserved.ExpiresAt && (await store.ExpireDueAsync(10)).Count == 0, TimeSpan.FromSeconds(10), "the deadline passed and a sweep ran");

        Assert.Equal(new StockLevel("a", 3, 0), await store.GetStockAsync("a"));
        Assert.Equal(ReservationStatus.Confirmed, await store.ReleaseAsync("r1"));
        var database = await connection.GetDatabaseAsync(default);
        Assert.Null(await database.SortedSetScoreAsync(store.Deadlines, "r1"));
    }

    [Fact]
    public async Task With_redis_down_a_reservation_throws_the_outage_and_after_a_restart_it_succeeds()
    {
        await using var server = await RedisServer.StartAsync();
        await using var services = Services(server.Configuration, o => o.RetryAttempts = 0);
        var inventory = services.GetRequiredService<IInventory>();
        await inventory.SetStockAsync("a", 1);

        server.Kill();
        var outage = await Assert.ThrowsAsync<BackendUnavailableException>(async () => await inventory.ReserveAsync(new ReservationRequest("r1", [new("a", 1)], TimeSpan.FromMinutes(1))));
        Assert.Equal("redis", outage.Backend);

        await server.RestartAsync();
        // The test server keeps nothing on disk: stock is set again after the restart.
        await Eventually.BackendServesAsync(async () => await inventory.SetStockAsync("a", 1), TimeSpan.FromSeconds(30));
        Assert.True((await inventory.ReserveAsync(new ReservationRequest("r1", [new("a", 1)], TimeSpan.FromMinutes(1)))).IsReserved);
    }

    internal static ServiceProvider Services(string configuration, Action<RedisOptions>? configure = null) =>
        RedisTestServices.Create(configuration, configure, builder => builder.AddInventory(inventory => inventory.UseRedis()));

    // Script calls since the server started. (Commands a script runs count too, under their own names, so only the
    // script calls tell what the client sent; the path across slots would send at least three.)
    private static async Task<long> ScriptCallsAsync(IServer server) =>
        (await server.InfoAsync("commandstats")).SelectMany(group => group)
            .Where(stat => stat.Key is "cmdstat_evalsha" or "cmdstat_eval")
            .Sum(stat => long.Parse(stat.Value.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>On a cluster a reservation spans slots: a caller that dies after holding its lines leaves them to the sweeper.</summary>
public sealed class RedisClusterInventoryRecordTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    [Fact]
    public async Task Lines_held_by_a_caller_that_died_making_a_reservation_come_back_at_its_deadline_without_an_announcement()
    {
        await using var services = RedisInventoryRecordTests.Services(cluster.Configuration);
        var store = (RedisInventoryStore)services.GetRequiredService<InventoryStore>();
        var connection = services.GetRequiredService<RedisConnection>();
        await store.SetStockAsync("a", 5);
        await store.SetStockAsync("b", 5);

        // What a caller leaves when it dies after holding the first SKU: a record being made, its deadline, one held line.
        var begun = (RedisResult[])(await connection.EvaluateAsync(InventoryScripts.Begin, [store.Record("r1")], [300, "", "a\n2\nb\n1", 60_000], default))!;
        var database = await connection.GetDatabaseAsync(default);
        await database.SortedSetAddAsync(store.Deadlines, "r1", (long)begun[1]);
        await connection.EvaluateAsync(InventoryScripts.HoldLines, [store.Stock("a")], ["r1", "", "", "0", 2], default);
        Assert.Equal(new StockLevel("a", 5, 2), await store.GetStockAsync("a"));
        Assert.Equal(ReservationStatus.NotFound, await store.ConfirmAsync("r1"));

        var announced = new List<ReservationExpired>();
        await Eventually.HoldsAsync(
            async () =>
            {
                announced.AddRange(await store.ExpireDueAsync(10));
                return (await store.GetStockAsync("a")).Reserved == 0;
            },
            TimeSpan.FromSeconds(10),
            "the abandoned line came back");

        Assert.Empty(announced);
        Assert.Equal(new StockLevel("a", 5, 0), await store.GetStockAsync("a"));
        Assert.True((await store.ReserveAsync(new ReservationRequest("r1", [new("a", 5), new("b", 5)], TimeSpan.FromMinutes(1)))).IsReserved);
    }
}
