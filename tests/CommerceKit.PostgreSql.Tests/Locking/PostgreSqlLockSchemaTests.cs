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

    [Fact]
    public async Task A_lease_table_from_before_waiting_marks_gains_the_column_and_keeps_its_leases()
    {
        await using var backend = new PostgreSqlLockingBackend(postgres.ConnectionString);
        backend.CreateProvider();
        await backend.Database.ScalarAsync<object>("""
            DROP SCHEMA IF EXISTS commercekit CASCADE;
            CREATE SCHEMA commercekit;
            CREATE TABLE commercekit.lock_leases (name text PRIMARY KEY, owner text, fencing_token bigint NOT NULL, expires_at timestamptz);
            INSERT INTO commercekit.lock_leases VALUES ('kept', NULL, 7, NULL);
            """);

        var holder = await backend.CreateProvider().CreateLock("kept").AcquireAsync(TimeSpan.Zero);
        Assert.Null(await backend.CreateProvider().CreateLock("kept").TryAcquireAsync());
        var markedWhileHeld = await backend.Database.ScalarAsync<bool>("SELECT waiting FROM commercekit.lock_leases WHERE name = $1", "kept");
        await holder.DisposeAsync();
        await using var next = await backend.CreateProvider().CreateLock("kept").AcquireAsync(TimeSpan.Zero);

        Assert.True(markedWhileHeld);
        Assert.False(await backend.Database.ScalarAsync<bool>("SELECT waiting FROM commercekit.lock_leases WHERE name = $1", "kept"));
    }
}
