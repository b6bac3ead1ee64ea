using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Redis.Scripting;
using StackExchange.Redis;

namespace CommerceKit.Redis.Tests;

public sealed class RedisConnectionTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly RedisScript s_incrementBy = new("return redis.call('INCRBY', KEYS[1], ARGV[1])");

    [Fact]
    public async Task A_value_written_through_the_shared_connection_reads_back()
    {
        await using var services = RedisTestServices.Create(redis.Configuration);
        var connection = services.Connection();
        var key = connection.Keys.For("test", "round-trip", "value");

        await connection.ExecuteAsync((db, k) => db.StringSetAsync(k, "hello", TimeSpan.FromMinutes(1)), key, default);
        var read = await connection.ExecuteAsync((db, k) => db.StringGetAsync(k), key, default);

        Assert.Equal("hello", (string?)read);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sockets_are_read_on_the_thread_pool_unless_dedicated_threads_are_asked_for(bool dedicated)
    {
        await using var services = RedisTestServices.Create(redis.Configuration, o => o.UseDedicatedSocketThreads = dedicated);
        var connection = services.Connection();
        var key = connection.Keys.For("test", "sockets", dedicated ? "dedicated" : "pool");

        var configuration = connection.CreateConfiguration();
        await connection.ExecuteAsync((db, k) => db.StringSetAsync(k, "answered", TimeSpan.FromMinutes(1)), key, default);

        Assert.Equal(dedicated, !ReferenceEquals(configuration.SocketManager, SocketManager.ThreadPool));
        Assert.Equal("answered", (string?)await connection.ExecuteAsync((db, k) => db.StringGetAsync(k), key, default));
    }

    [Fact]
    public async Task Every_feature_shares_one_multiplexer()
    {
        await using var services = RedisTestServices.Create(redis.Configuration);
        var connection = services.Connection();

        var first = await connection.GetMultiplexerAsync(default);
        var second = await connection.GetMultiplexerAsync(default);

        Assert.Same(first, second);
    }

    [Fact]
    public async Task A_script_runs_by_sha_and_is_sent_again_after_the_server_forgets_it()
    {
        await using var services = RedisTestServices.Create(redis.Configuration + ",allowAdmin=true");
        var connection = services.Connection();
        var multiplexer = await connection.GetMultiplexerAsync(default);
        var server = multiplexer.GetServers().Single();
        var key = connection.Keys.For("test", "script", "counter");

        Assert.Equal(2, (long)await Run(2));
        Assert.True(await server.ScriptExistsAsync(s_incrementBy.Sha1));

        await server.ScriptFlushAsync();
        Assert.Equal(5, (long)await Run(3));
        Assert.True(await server.ScriptExistsAsync(s_incrementBy.Sha1));

        var (evalBefore, evalShaBefore) = await ScriptCalls(server);
        Assert.Equal(9, (long)await Run(4));
        var (evalAfter, evalShaAfter) = await ScriptCalls(server);

        Assert.Equal(evalBefore, evalAfter);
        Assert.Equal(evalShaBefore + 1, evalShaAfter);

        Task<RedisResult> Run(int amount) =>
            connection.ExecuteAsync((db, state) => s_incrementBy.EvaluateAsync(db, [state], [amount]), key, default);
    }

    [Fact]
    public async Task Health_check_is_healthy_when_redis_answers()
    {
        await using var services = RedisTestServices.Create(redis.Configuration);

        var result = await services.CheckHealthAsync();

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, result.Status);
    }

    private static async Task<(long Eval, long EvalSha)> ScriptCalls(IServer server)
    {
        var stats = (await server.InfoAsync("commandstats")).SelectMany(group => group).ToList();
        return (Calls("cmdstat_eval"), Calls("cmdstat_evalsha"));

        long Calls(string command) => stats.FirstOrDefault(pair => pair.Key == command).Value is { } value
            ? long.Parse(value.Split(',')[0].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture)
            : 0;
    }
}
