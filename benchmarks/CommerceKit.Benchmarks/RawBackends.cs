using Npgsql;
using StackExchange.Redis;

namespace CommerceKit.Benchmarks;

/// <summary>
/// A Redis and a PostgreSQL for one benchmark, each with a plain client beside CommerceKit's: the raw round trip
/// every feature's rows are compared to. The raw Redis client reads its socket on the .NET thread pool, as
/// CommerceKit's own connection does by default, so a ratio to it measures CommerceKit's work, not a socket setting;
/// <see cref="DefaultMultiplexer"/> keeps StackExchange.Redis's defaults, for peers measured as they ship.
/// </summary>
internal sealed class RawBackends : IAsyncDisposable
{
    private ConnectionMultiplexer _multiplexer = null!;
    private ConnectionMultiplexer _defaultMultiplexer = null!;
    private IDatabase _database = null!;

    private RawBackends(BenchmarkRedis redis, BenchmarkPostgres postgres)
    {
        Redis = redis;
        Postgres = postgres;
        DataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
    }

    public BenchmarkRedis Redis { get; }

    public BenchmarkPostgres Postgres { get; }

    /// <summary>A plain StackExchange.Redis connection (not CommerceKit's) on thread-pool sockets.</summary>
    public ConnectionMultiplexer Multiplexer => _multiplexer;

    /// <summary>A plain StackExchange.Redis connection with that library's defaults (dedicated socket threads).</summary>
    public ConnectionMultiplexer DefaultMultiplexer => _defaultMultiplexer;

    public IDatabase Database => _database;

    /// <summary>A plain Npgsql data source, not CommerceKit's.</summary>
    public NpgsqlDataSource DataSource { get; }

    public static async Task<RawBackends> StartAsync()
    {
        var backends = new RawBackends(await BenchmarkRedis.StartAsync(), await BenchmarkPostgres.StartAsync());
        backends._multiplexer = await backends.Redis.ConnectRawAsync();
        backends._defaultMultiplexer = await backends.Redis.ConnectRawAsync(defaultSockets: true);
        backends._database = backends._multiplexer.GetDatabase();
        return backends;
    }

    /// <summary>One raw Redis round trip.</summary>
    public Task<TimeSpan> PingRedisAsync() => _database.PingAsync();

    /// <summary>One raw Redis round trip on StackExchange.Redis's default socket threads.</summary>
    public Task<TimeSpan> PingRedisOnDefaultSocketsAsync() => _defaultMultiplexer.GetDatabase().PingAsync();

    /// <summary>One raw PostgreSQL round trip.</summary>
    public async Task<object?> SelectOneAsync()
    {
        await using var command = DataSource.CreateCommand("SELECT 1");
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await _multiplexer.DisposeAsync();
        await _defaultMultiplexer.DisposeAsync();
        await Postgres.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
