using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Inventory;
using CommerceKit.Inventory;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.PostgreSql.Tests.Inventory;

public sealed class PostgreSqlInventoryTests(PostgreSqlServerFixture postgres) : InventoryConformanceTests, IClassFixture<PostgreSqlServerFixture>
{
    protected override InventoryBackend CreateBackend() => new PostgreSqlInventoryBackend(postgres.ConnectionString);
}

/// <summary>The same suite with every reservation in a transaction of its own, the path multi-line reservations always take.</summary>
public sealed class PostgreSqlUncoalescedInventoryTests(PostgreSqlServerFixture postgres) : InventoryConformanceTests, IClassFixture<PostgreSqlServerFixture>
{
    protected override InventoryBackend CreateBackend() => new PostgreSqlInventoryBackend(postgres.ConnectionString, coalesce: false);
}

public sealed class PostgreSqlInventoryHolderCrashTests(PostgreSqlServerFixture postgres) : InventoryHolderCrashTests, IClassFixture<PostgreSqlServerFixture>
{
    protected override InventoryBackend CreateBackend() => new PostgreSqlInventoryBackend(postgres.ConnectionString);
}

/// <summary>PostgreSQL stock in one database, named by its connection string.</summary>
internal sealed class PostgreSqlInventoryBackend(string connectionString, bool coalesce = true) : InventoryBackend
{
    // Uncoalesced, every reservation of a hot SKU waits for its row lock while holding a connection: a small pool per
    // instance keeps the 2-core test server from thrashing hundreds of waiting backends.
    protected override void AddBackend(ICommerceKitBuilder builder, Action<InventoryOptions> configure) =>
        builder.AddPostgreSql(o => o.ConnectionString = connectionString + ";Maximum Pool Size=16")
            .AddInventory(inventory => inventory.UsePostgreSql(o => o.CoalesceReservations = coalesce).Configure(configure));

    public override IReadOnlyList<string> HolderProcessArguments(string sku, TimeSpan ttl) =>
        LeaseHolderProcess.Arguments("inventory", "postgresql", connectionString, KeyPrefix, sku, ttl);
}
