using CommerceKit.TestServers;
using StackExchange.Redis;

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

    /// <summary>
    /// A plain StackExchange.Redis connection, not CommerceKit's: on thread-pool sockets like CommerceKit's own
    /// connection (so a raw row differs from CommerceKit's by CommerceKit's work alone), or with that library's
    /// defaults (dedicated socket threads), as an application usually makes it.
    /// </summary>
    public Task<ConnectionMultiplexer> ConnectRawAsync(bool defaultSockets = false)
    {
        var configuration = ConfigurationOptions.Parse(Configuration);
        if (!defaultSockets)
        {
            configuration.SocketManager = SocketManager.ThreadPool;
        }

        return ConnectionMultiplexer.ConnectAsync(configuration);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
