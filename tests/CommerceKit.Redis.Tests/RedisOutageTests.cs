using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.TestServers;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommerceKit.Redis.Tests;

/// <summary>Each test starts its own redis-server, because it kills it.</summary>
public sealed class RedisOutageTests
{
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_shared_connection_recovers_after_redis_server_is_killed_and_restarted()
    {
        await using var server = await RedisServer.StartAsync();
        await using var services = RedisTestServices.Create(server.Configuration);
        var connection = services.Connection();
        var key = connection.Keys.For("test", "outage", "value");
        await connection.ExecuteAsync((db, k) => db.StringSetAsync(k, "before"), key, default);

        server.Kill();
        var outage = await Assert.ThrowsAsync<BackendUnavailableException>(
            () => connection.ExecuteAsync((db, k) => db.StringGetAsync(k), key, default));
        Assert.Equal("redis", outage.Backend);

        await server.RestartAsync();
        await Eventually.BackendServesAsync(() => connection.ExecuteAsync((db, k) => db.StringSetAsync(k, "after"), key, default), RecoveryDeadline);

        Assert.Equal("after", (string?)await connection.ExecuteAsync((db, k) => db.StringGetAsync(k), key, default));
        Assert.Same(await connection.GetMultiplexerAsync(default), await connection.GetMultiplexerAsync(default));
    }

    [Fact]
    public async Task An_unreachable_server_at_first_use_fails_clearly_and_a_later_use_connects()
    {
        var port = FreePorts.Next();
        await using var services = RedisTestServices.Create($"127.0.0.1:{port}", o => o.OperationTimeout = TimeSpan.FromMilliseconds(500));
        var connection = services.Connection();

        var failure = await Assert.ThrowsAsync<BackendUnavailableException>(
            () => connection.ExecuteAsync((db, _) => db.PingAsync(), 0, default));
        Assert.Contains($"127.0.0.1:{port}", failure.Message, StringComparison.Ordinal);
        // The connection attempt's own failure, or the wait for it running out at the same deadline.
        Assert.True(failure.InnerException is StackExchange.Redis.RedisConnectionException or TimeoutException, failure.InnerException?.ToString());

        await using var server = await RedisServer.StartAsync(port);
        var latency = TimeSpan.MinValue;
        await Eventually.BackendServesAsync(async () => latency = await connection.ExecuteAsync((db, _) => db.PingAsync(), 0, default), RecoveryDeadline);
        Assert.True(latency >= TimeSpan.Zero);
    }

    [Fact]
    public async Task Health_check_is_unhealthy_while_redis_is_down()
    {
        await using var server = await RedisServer.StartAsync();
        await using var services = RedisTestServices.Create(server.Configuration);
        await services.Connection().GetMultiplexerAsync(default);

        server.Kill();
        var result = await services.CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.IsType<BackendUnavailableException>(result.Exception);
    }
}
