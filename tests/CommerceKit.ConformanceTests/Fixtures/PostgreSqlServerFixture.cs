using CommerceKit.TestServers;
using Npgsql;

namespace CommerceKit.ConformanceTests.Fixtures;

/// <summary>
/// A fresh, empty PostgreSQL database for one test class. The server is shared by the whole test process
/// (starting postgres takes a second or two): <c>COMMERCEKIT_TEST_POSTGRES</c> when set, else one we start.
/// </summary>
public sealed class PostgreSqlServerFixture : IAsyncLifetime
{
    private static readonly Lazy<Task<string>> s_server = new(StartSharedServerAsync);

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var server = await s_server.Value;
        var database = "ck_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();

            // The name is made here from a GUID, never from input; CREATE DATABASE takes no parameters.
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<string> StartSharedServerAsync()
    {
        if (TestEnvironment.Postgres is { } external)
        {
            return external;
        }

        // Lives as long as the test process; ServerProcess kills it when the process exits.
        var server = await PostgreSqlServer.StartAsync();
        return server.ConnectionString;
    }
}
