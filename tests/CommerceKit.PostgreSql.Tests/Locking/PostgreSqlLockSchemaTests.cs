using CommerceKit.ConformanceTests.Fixtures;
using Npgsql;

namespace CommerceKit.PostgreSql.Tests.Locking;

public sealed class PostgreSqlLockSchemaTests(PostgreSqlServerFixture postgres) : IClassFixture<PostgreSqlServerFixture>
{
    [Fact]
    public async Task Tables_dropped_behind_a_running_instance_are_created_again_after_one_failed_call()
    {
        await using var backend = new PostgreSqlLockingBackend(postgres.ConnectionString);
        var schemaLock = backend.CreateProvider().CreateLock("schema");
        await (await schemaLock.AcquireAsync(TimeSpan.Zero)).DisposeAsync();

        await using (var connection = await backend.Database.OpenConnectionAsync(default))
        await using (var drop = new NpgsqlCommand("DROP SCHEMA commercekit CASCADE", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }

        var missing = await Assert.ThrowsAsync<PostgresException>(() => schemaLock.TryAcquireAsync().AsTask());
        await using var handle = await schemaLock.TryAcquireAsync();

        Assert.Equal(PostgresErrorCodes.UndefinedTable, missing.SqlState);
        Assert.NotNull(handle);
    }
}
