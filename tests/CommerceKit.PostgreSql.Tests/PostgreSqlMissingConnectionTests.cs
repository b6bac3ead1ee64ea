using CommerceKit.ConformanceTests.Setup;
using CommerceKit.Idempotency;
using CommerceKit.Inventory;
using CommerceKit.Locking;
using CommerceKit.Notifications;
using CommerceKit.Outbox;
using CommerceKit.Sagas;
using CommerceKit.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.PostgreSql.Tests;

public sealed class PostgreSqlMissingConnectionTests : MissingConnectionTests
{
    public override IEnumerable<string> Features => ["locking", "rate-limiting", "idempotency", "inventory", "outbox", "inbox", "sagas", "notifications"];

    protected override string ConnectionCall => "AddPostgreSql()";

    // The server is not contacted before first use, so an address with no server starts.
    protected override void AddConnection(ICommerceKitBuilder commerceKit) =>
        commerceKit.AddPostgreSql(o => o.ConnectionString = "Host=127.0.0.1;Port=1;Username=nobody");

    protected override Type Register(ICommerceKitBuilder commerceKit, string feature)
    {
        switch (feature)
        {
            case "locking":
                commerceKit.AddLocking(locking => locking.UsePostgreSql());
                return typeof(LockLeaseStore);
            case "rate-limiting":
                commerceKit.AddRateLimiting(limits => limits.UsePostgreSql());
                return typeof(RateLimitStore);
            case "idempotency":
                commerceKit.AddIdempotency(idempotency => idempotency.UsePostgreSql());
                return typeof(IdempotencyStore);
            case "outbox":
                commerceKit.AddOutbox(outbox => outbox.UsePostgreSql());
                return typeof(OutboxStore);
            case "inbox":
                commerceKit.AddInbox(inbox => inbox.UsePostgreSql());
                return typeof(InboxStore);
            case "notifications":
                commerceKit.AddNotifications(notifications => notifications.UsePostgreSql());
                return typeof(NotificationStore);
            case "sagas":
                commerceKit.AddSagas(sagas => sagas.UsePostgreSql());
                return typeof(SagaStore);
            default:
                commerceKit.AddInventory(inventory => inventory.UsePostgreSql().Configure(o => o.SweepInterval = TimeSpan.FromMinutes(1)));
                return typeof(InventoryStore);
        }
    }
}
