using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Idempotency;
using CommerceKit.Redis.Connection;
using CommerceKit.Redis.Idempotency;
using CommerceKit.TestServers;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Redis.Tests.Idempotency;

/// <summary>Records expire on the server with their lease, then with their retention; an outage stops the operation from running.</summary>
public sealed class RedisIdempotencyRecordTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task A_record_expires_with_its_lease_while_running_and_with_its_retention_once_completed()
    {
        await using var services = Services(redis.Configuration);
        var store = (RedisIdempotencyStore)services.GetRequiredService<IdempotencyStore>();
        var database = await services.GetRequiredService<RedisConnection>().GetDatabaseAsync(default);
        var key = new IdempotencyKey("customer-1", "order-1");

        var claim = await store.TryClaimAsync(key, "fp", TimeSpan.FromSeconds(30), default);
        var whileRunning = await database.KeyTimeToLiveAsync(store.Record(key));
        await store.CompleteAsync(key, claim.LeaseToken, new StoredResponse(201, "{}"u8.ToArray()), TimeSpan.FromHours(24), default);
        var afterCompletion = await database.KeyTimeToLiveAsync(store.Record(key));

        Assert.InRange(whileRunning!.Value, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
        Assert.InRange(afterCompletion!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
    }

    [Fact]
    public async Task With_redis_down_the_operation_does_not_run_and_after_a_restart_it_does()
    {
        await using var server = await RedisServer.StartAsync();
        await using var services = Services(server.Configuration, o => o.RetryAttempts = 0);
        var executor = services.GetRequiredService<IIdempotencyExecutor>();
        var key = new IdempotencyKey("customer-1", "order-1");
        var runs = 0;
        await services.GetRequiredService<RedisConnection>().GetMultiplexerAsync(default);

        server.Kill();
        var outage = await Assert.ThrowsAsync<BackendUnavailableException>(() => executor.ExecuteAsync(key, "fp", (_, _) => Task.FromResult(++runs)));
        Assert.Equal(0, runs);
        Assert.Equal("redis", outage.Backend);

        await server.RestartAsync();
        await Eventually.BackendServesAsync(() => executor.ExecuteAsync(key, "fp", (_, _) => Task.FromResult(++runs)), TimeSpan.FromSeconds(30));
        Assert.Equal(1, runs);
        Assert.True((await executor.ExecuteAsync(key, "fp", (_, _) => Task.FromResult(++runs))).IsReplay);
    }

    private static ServiceProvider Services(string configuration, Action<RedisOptions>? configure = null) =>
        RedisTestServices.Create(configuration, configure, builder => builder.AddIdempotency(idempotency => idempotency.UseRedis()));
}
