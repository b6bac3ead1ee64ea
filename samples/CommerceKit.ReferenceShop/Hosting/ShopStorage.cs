using CommerceKit.Inventory;
using CommerceKit.ReferenceShop.Catalog;
using CommerceKit.ReferenceShop.Distributed;
using CommerceKit.ReferenceShop.Notifications;
using CommerceKit.ReferenceShop.Orders;

namespace CommerceKit.ReferenceShop.Hosting;

/// <summary>The shop's own state (catalog, confirmed orders, customers' notifications) and its start-up and singleton jobs.</summary>
internal static class ShopStorage
{
    public static IServiceCollection AddShopStorage(this IServiceCollection services, IConfiguration configuration)
    {
        if (ShopServers.From(configuration).IsDistributed)
        {
            services.AddSingleton<ICatalog, PostgreSqlCatalog>();
            services.AddSingleton<IOrderBook, PostgreSqlOrderBook>();
            services.AddSingleton<ICustomerNotifications, PostgreSqlCustomerNotifications>();
            services.AddHostedService<ShopDatabase>();
            services.AddHostedService<ChargeReconciliation>();
        }
        else
        {
            services.AddSingleton<ICatalog>(InMemoryCatalog.Seeded());
            services.AddSingleton<IOrderBook, InMemoryOrderBook>();
            services.AddSingleton<ICustomerNotifications, InMemoryCustomerNotifications>();
            services.AddHostedService<StockSeeding>();
        }

        return services;
    }

    /// <summary>Puts the catalog's stock into the inventory when the embedded shop starts (memory starts empty).</summary>
    private sealed class StockSeeding(ICatalog catalog, IInventory inventory) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var product in (await catalog.PageAsync(null, int.MaxValue, cancellationToken)).Items)
            {
                await inventory.SetStockAsync(product.Sku, product.InitialStock, cancellationToken);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
