using CommerceKit.ConformanceTests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CommerceKit.PostgreSql.Tests;

public sealed class PostgreSqlDatabaseTests(PostgreSqlServerFixture postgres) : IClassFixture<PostgreSqlServerFixture>
{
    private const string SampleTable = """
        CREATE TABLE IF NOT EXISTS __SCHEMA__.sample (id bigint PRIMARY KEY, name text NOT NULL);
        CREATE INDEX IF NOT EXISTS sample_name ON __SCHEMA__.sample (name);
        """;

    [Fact]
    public async Task A_row_written_through_the_shared_data_source_reads_back()
    {
        await using var services = PostgreSqlTestServices.Create(postgres.ConnectionString, o => o.Schema = "round_trip");
        var database = services.Database();
        await database.EnsureSchemaAsync("sample", SampleTable, default);

        await database.ScalarAsync<int>("INSERT INTO round_trip.sample (id, name) VALUES ($1, $2)", 1L, "hello");
        var name = await database.ScalarAsync<string>("SELECT name FROM round_trip.sample WHERE id = $1", 1L);

        Assert.Equal("hello", name);
    }

    [Fact]
    public async Task Schema_creation_is_idempotent_and_safe_when_many_instances_start_at_once()
    {
        var instances = Enumerable.Range(0, 8)
            .Select(_ => PostgreSqlTestServices.Create(postgres.ConnectionString, o => o.Schema = "concurrent_start"))
            .ToList();
        try
        {
            await Task.WhenAll(instances.Select(services => services.Database().EnsureSchemaAsync("sample", SampleTable, default)));
            await instances[0].Database().EnsureSchemaAsync("sample", SampleTable, default);

            var tables = await instances[0].Database().ScalarAsync<long>(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2", "concurrent_start", "sample");
            Assert.Equal(1, tables);
        }
        finally
        {
            foreach (var services in instances)
            {
                await services.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task The_data_source_is_exposed_to_the_application()
    {
        await using var services = PostgreSqlTestServices.Create(postgres.ConnectionString);

        var dataSource = services.GetRequiredService<NpgsqlDataSource>();

        Assert.Same(services.Database().DataSource, dataSource);
    }

    [Fact]
    public async Task Health_check_is_healthy_when_postgresql_answers()
    {
        await using var services = PostgreSqlTestServices.Create(postgres.ConnectionString);

        var result = await services.CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Theory]
    [InlineData("", 1L)]
    [InlineData(";Max Auto Prepare=0", 0L)]
    public async Task Statements_run_often_are_prepared_unless_the_connection_string_says_otherwise(string setting, long prepared)
    {
        // One pooled connection, so every statement runs on the session whose prepared statements are counted.
        await using var services = PostgreSqlTestServices.Create(postgres.ConnectionString + ";Maximum Pool Size=1" + setting);
        var database = services.Database();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(i, await database.ScalarAsync<int>("SELECT $1::int", i));
        }

        Assert.Equal(prepared, await database.ScalarAsync<long>("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%$1::int%'"));
    }

    [Theory]
    [InlineData("", "kept")]
    [InlineData(";No Reset On Close=false", "")]
    public async Task A_pooled_connection_is_not_reset_unless_the_connection_string_says_otherwise(string setting, string expected)
    {
        // One pooled connection: the second statement runs on the session the first one changed.
        await using var services = PostgreSqlTestServices.Create(postgres.ConnectionString + ";Maximum Pool Size=1" + setting);
        var database = services.Database();

        await database.ScalarAsync<string>("SELECT set_config('application_name', 'kept', false)");

        Assert.Equal(expected, await database.ScalarAsync<string>("SELECT current_setting('application_name')"));
    }

    [Fact]
    public async Task The_operation_timeout_sets_the_command_timeout_and_a_timeout_the_string_names_wins()
    {
        // The fixture's connection string names Timeout=5 and no Command Timeout.
        await using var services = PostgreSqlTestServices.Create(postgres.ConnectionString, o => o.OperationTimeout = TimeSpan.FromMilliseconds(1500));

        var settings = new NpgsqlConnectionStringBuilder(services.Database().DataSource.ConnectionString);

        Assert.Equal(2, settings.CommandTimeout);
        Assert.Equal(5, settings.Timeout);
        Assert.True(settings.NoResetOnClose);
    }
}
