using CommerceKit.Caching;
using CommerceKit.Idempotency;
using CommerceKit.Inventory;
using CommerceKit.Notifications;
using CommerceKit.Outbox;
using CommerceKit.RateLimiting;
using CommerceKit.ReferenceShop.Notifications;
using CommerceKit.ReferenceShop.Orders;
using CommerceKit.Sagas;

namespace CommerceKit.ReferenceShop.Hosting;

/// <summary>
/// The eight libraries as the shop uses them. Embedded: every backend in memory. Distributed (both
/// <c>ConnectionStrings:Redis</c> and <c>ConnectionStrings:Postgres</c> set): what must survive a restart and stay
/// consistent with orders lives in PostgreSQL (stock, sagas, outbox and inbox, notifications, locks with fencing);
/// what is hot and may be lost lives in Redis (idempotency records, rate limits, the cache's second level).
/// </summary>
internal static class ShopLibraries
{
    public static IServiceCollection AddShopLibraries(this IServiceCollection services, IConfiguration configuration)
    {
        var servers = ShopServers.From(configuration);
        var commerce = services.AddCommerceKit(o => o.KeyPrefix = "shop");
        if (servers.IsDistributed)
        {
            commerce
                .AddRedis(o => o.Configuration = servers.Redis!)
                .AddPostgreSql(o => o.ConnectionString = servers.Postgres!);
        }

        commerce
            .AddRateLimiting(limits => servers.Choose(limits, l => l.UseRedis()))
            .AddCaching(caching => servers.Choose(caching, c => c.UseRedis()))
            .AddIdempotency(idempotency => servers.Choose(idempotency, i => i.UseRedis()))
            .AddInventory(inventory => servers.Choose(inventory, i => i.UsePostgreSql()))
            .AddLocking(locking => servers.Choose(locking, l => l.UsePostgreSql()))
            .AddSagas(sagas => servers.Choose(sagas.AddSaga<PlaceOrderSaga>(), s => s.UsePostgreSql()))
            .AddInbox(inbox => servers.Choose(inbox, i => i.UsePostgreSql()))
            .AddOutbox(outbox => servers.Choose(outbox.AddHandler<OrderPlaced, SendOrderConfirmation>(), o => o.UsePostgreSql()))
            .AddNotifications(notifications => servers.Choose(
                notifications
                    .UseRecipientDirectory<ShopRecipients>()
                    .AddProvider<SimulatorEmail>()
                    .AddProvider<SimulatorPush>()
                    .AddTemplate(new NotificationTemplate("order-confirmation", "Thank you! Order {{orderId}} is confirmed: {{total}} EUR.") { Subject = "Your order {{orderId}}" })
                    .AddTemplate(new NotificationTemplate("order-push", "Order {{orderId}} confirmed"))
                    .Configure(o => o.PromotionalLimit = 0),
                n => n.UsePostgreSql()));

        // Operators tune the libraries from configuration (CommerceKit:Sagas:Lease, CommerceKit:Idempotency:Lease, …).
        var tuning = configuration.GetSection("CommerceKit");
        services.Configure<IdempotencyOptions>(tuning.GetSection("Idempotency"));
        services.Configure<SagaOptions>(tuning.GetSection("Sagas"));
        services.Configure<OutboxOptions>(tuning.GetSection("Outbox"));
        services.Configure<NotificationOptions>(tuning.GetSection("Notifications"));
        services.Configure<InventoryOptions>(tuning.GetSection("Inventory"));

        var health = services.AddHealthChecks();
        if (servers.IsDistributed)
        {
            health.AddCommerceKitRedis("redis", "ready").AddCommerceKitPostgreSql("postgresql", "ready");
        }

        return services;
    }
}

/// <summary>The servers the shop was given: distributed mode when both are set.</summary>
internal sealed record ShopServers(string? Redis, string? Postgres)
{
    public bool IsDistributed => !string.IsNullOrEmpty(Redis) && !string.IsNullOrEmpty(Postgres);

    public static ShopServers From(IConfiguration configuration) =>
        new(configuration.GetConnectionString("Redis"), configuration.GetConnectionString("Postgres"));

    /// <summary>Applies <paramref name="useServer"/> in distributed mode; the in-memory default otherwise.</summary>
    public void Choose<TBuilder>(TBuilder feature, Action<TBuilder> useServer)
    {
        if (IsDistributed)
        {
            useServer(feature);
        }
    }
}
