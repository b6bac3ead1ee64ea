using CommerceKit.TestServers;

namespace CommerceKit.Benchmarks;

/// <summary>
/// The PostgreSQL a benchmark talks to: <c>COMMERCEKIT_BENCH_POSTGRES</c> when set, else a postgres started on a free
/// loopback port for this benchmark process and killed at its end. Each benchmark gets a fresh database.
/// </summary>
internal sealed class BenchmarkPostgres : IAsyncDisposable
{
    private readonly PostgreSqlServer? _server;

    private BenchmarkPostgres(string connectionString, PostgreSqlServer? server)
    {
        ConnectionString = connectionString;
        _server = server;
    }

    public string ConnectionString { get; }

    public static async Task<BenchmarkPostgres> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("COMMERCEKIT_BENCH_POSTGRES") is { Length: > 0 } external)
        {
            return new BenchmarkPostgres(await PostgreSqlDatabases.CreateEmptyAsync(external), null);
        }

        var server = await PostgreSqlServer.StartAsync();
        return new BenchmarkPostgres(await PostgreSqlDatabases.CreateEmptyAsync(server.ConnectionString), server);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
