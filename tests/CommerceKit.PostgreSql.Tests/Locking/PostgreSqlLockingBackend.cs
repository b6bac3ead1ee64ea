using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Locking;
using CommerceKit.Locking;
using CommerceKit.PostgreSql.Connection;
using CommerceKit.PostgreSql.Locking;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommerceKit.PostgreSql.Tests.Locking;

/// <summary>PostgreSQL locks in one database, named by its connection string.</summary>
internal sealed class PostgreSqlLockingBackend(string connectionString) : LockingBackend
{
    public PostgreSqlDatabase Database => FirstInstance.GetRequiredService<PostgreSqlDatabase>();

    public PostgreSqlFencedWrites FencedWrites => FirstInstance.GetRequiredService<PostgreSqlFencedWrites>();

    public override Task DeleteLeaseAsync(string lockName) =>
        Database.ExecuteAsync(
            static async (connection, name, token) =>
            {
                await using var command = new NpgsqlCommand("DELETE FROM commercekit.lock_leases WHERE name = $1", connection);
                command.Parameters.Add(new NpgsqlParameter { Value = name });
                return await command.ExecuteNonQueryAsync(token);
            },
            lockName,
            default);

    public override Task<long> CountQueuedAsync(string lockName) =>
        Database.ScalarAsync<long>("SELECT count(*) FROM commercekit.lock_waiters WHERE name = $1", lockName);

    public override IReadOnlyList<string> HolderProcessArguments(string lockName, TimeSpan expiry) =>
        LeaseHolderProcess.Arguments("lock", "postgresql", connectionString, KeyPrefix, lockName, expiry);

    protected override void AddBackend(ICommerceKitBuilder builder, Action<DistributedLockOptions> configure) =>
        builder.AddPostgreSql(o => o.ConnectionString = connectionString).AddLocking(locking => locking.UsePostgreSql().Configure(configure));
}
