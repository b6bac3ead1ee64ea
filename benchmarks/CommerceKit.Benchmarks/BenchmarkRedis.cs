using CommerceKit.TestServers;

namespace CommerceKit.Benchmarks;

/// <summary>
/// The Redis a benchmark talks to: <c>COMMERCEKIT_BENCH_REDIS</c> when set, else a redis-server started on a free
/// loopback port for this benchmark process and killed at its end.
/// </summary>
internal sealed class BenchmarkRedis : IAsyncDisposable
{
    private readonly RedisServer? _server;

    private BenchmarkRedis(string configuration, RedisServer? server)
    {
        Configuration = configuration;
        _server = server;
    }

    public string Configuration { get; }

    public static async Task<BenchmarkRedis> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("COMMERCEKIT_BENCH_REDIS") is { Length: > 0 } external)
        {
            return new BenchmarkRedis(external, null);
        }

        var server = await RedisServer.StartAsync();
        return new BenchmarkRedis(server.Configuration, server);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
