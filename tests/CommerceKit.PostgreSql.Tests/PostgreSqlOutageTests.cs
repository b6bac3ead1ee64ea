using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.TestServers;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommerceKit.PostgreSql.Tests;

/// <summary>Each test starts its own postgres, because it kills it.</summary>
public sealed class PostgreSqlOutageTests
{
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Operations_fail_with_BackendUnavailableException_while_postgres_is_down_and_work_after_restart()
    {
        await using var server = await PostgreSqlServer.StartAsync();
        await using var services = PostgreSqlTestServices.Create(server.ConnectionString, o => o.RetryAttempts = 1);
        var database = services.Database();
        Assert.Equal(1, await database.ScalarAsync<int>("SELECT 1"));

        server.Kill();
        var outage = await Assert.ThrowsAsync<BackendUnavailableException>(() => database.ScalarAsync<int>("SELECT 1"));
        Assert.Equal("postgresql", outage.Backend);
        Assert.DoesNotContain("Password", outage.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HealthStatus.Unhealthy, (await services.CheckHealthAsync()).Status);

        await server.RestartAsync();
        await Eventually.BackendServesAsync(async () => Assert.Equal(2, await database.ScalarAsync<int>("SELECT 2")), RecoveryDeadline);

        Assert.Equal(HealthStatus.Healthy, (await services.CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task A_failed_schema_creation_is_not_remembered_and_succeeds_once_the_server_is_up()
    {
        await using var server = await PostgreSqlServer.StartAsync();
        await using var services = PostgreSqlTestServices.Create(server.ConnectionString, o => o.RetryAttempts = 0);
        var database = services.Database();
        const string table = "CREATE TABLE IF NOT EXISTS __SCHEMA__.retried (id int PRIMARY KEY);";

        server.Kill();
        await Assert.ThrowsAsync<BackendUnavailableException>(() => database.EnsureSchemaAsync("retried", table, default));

        await server.RestartAsync();
        await database.EnsureSchemaAsync("retried", table, default);

        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM commercekit.retried"));
    }
}
