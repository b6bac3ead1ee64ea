using CommerceKit.TestServers;

namespace CommerceKit.ConformanceTests.Fixtures;

/// <summary>
/// A fresh, empty PostgreSQL database for one test class. The server is shared by the whole test process
/// (starting postgres takes a second or two): <c>COMMERCEKIT_TEST_POSTGRES</c> when set, else one we start.
/// </summary>
public sealed class PostgreSqlServerFixture : IAsyncLifetime
{
    private static readonly Lazy<Task<string>> s_server = new(StartSharedServerAsync);

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await PostgreSqlDatabases.CreateEmptyAsync(await s_server.Value);

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
