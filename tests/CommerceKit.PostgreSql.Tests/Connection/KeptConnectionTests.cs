using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.PostgreSql.Connection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CommerceKit.PostgreSql.Tests.Connection;

/// <summary>
/// The connection kept open for the features' short statements. A session setting tells which connection a
/// statement ran on: it lives as long as the session, and the pool's reset clears it.
/// </summary>
public sealed class KeptConnectionTests(PostgreSqlServerFixture postgres) : IClassFixture<PostgreSqlServerFixture>
{
    private const string Mark = "SELECT set_config('commercekit_test.mark', 'kept', false)";
    private const string ReadMark = "SELECT coalesce(current_setting('commercekit_test.mark', true), '')";

    [Fact]
    public async Task Statements_run_on_one_session_that_the_pools_reset_never_touches()
    {
        await using var services = PostgreSqlTestServices.Create(postgres.ConnectionString);
        var database = services.Database();

        await KeptAsync(database, Mark);

        Assert.Equal("kept", await KeptAsync(database, ReadMark));
        Assert.Equal("kept", await KeptAsync(database, ReadMark));
        Assert.Equal("", await database.ScalarAsync<string>(ReadMark));
    }

    [Fact]
    public async Task A_statement_that_finds_it_busy_runs_on_the_pool_without_waiting()
    {
        await using var services = PostgreSqlTestServices.Create(postgres.ConnectionString);
        var database = services.Database();
        await KeptAsync(database, Mark);
        using var stopSleeping = new CancellationTokenSource();

        var sleeping = KeptAsync(database, "SELECT pg_sleep(60)::text", stopSleeping.Token);
        await WaitUntilRunningAsync(database, "pg_sleep(60)");
        var meanwhile = await KeptAsync(database, ReadMark);

        Assert.Equal("", meanwhile);
        Assert.False(sleeping.IsCompleted);
        await stopSleeping.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sleeping);
    }

    [Fact]
    public async Task After_a_failed_statement_the_next_one_starts_on_a_fresh_connection()
    {
        await using var services = PostgreSqlTestServices.Create(postgres.ConnectionString);
        var database = services.Database();
        await KeptAsync(database, Mark);

        await Assert.ThrowsAsync<PostgresException>(() => KeptAsync(database, "SELECT (1 / 0)::text"));

        Assert.Equal("", await KeptAsync(database, ReadMark));
    }

    [Fact]
    public async Task After_its_idle_limit_it_goes_back_to_the_pool()
    {
        var clock = new FakeTimeProvider();
        var registrations = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(clock);
        registrations.AddCommerceKit().AddPostgreSql(o => o.ConnectionString = postgres.ConnectionString);
        await using var services = registrations.BuildServiceProvider();
        var database = services.Database();
        await KeptAsync(database, Mark);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("kept", await KeptAsync(database, ReadMark));
        clock.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal("", await KeptAsync(database, ReadMark));
    }

    private static Task<string> KeptAsync(PostgreSqlDatabase database, string sql, CancellationToken cancellationToken = default) =>
        database.RunStatementAsync(
            "kept-connection-test",
            "SELECT 1",
            sql,
            [],
            static async (command, token) => (string)(await command.ExecuteScalarAsync(token))!,
            cancellationToken,
            onKeptConnection: true);

    private static async Task WaitUntilRunningAsync(PostgreSqlDatabase database, string queryPart)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (await database.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()", queryPart) > 0)
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"No session ran '{queryPart}'.");
    }
}
