using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Inventory;

/// <summary>
/// Configures the inventory inside <c>AddInventory(inventory =&gt; …)</c>. Stock lives in this process's memory
/// unless a backend is chosen (<c>UseRedis()</c>, <c>UsePostgreSql()</c> or <c>UseStore&lt;TStore&gt;()</c>).
/// </summary>
public sealed class InventoryBuilder : FeatureBuilder<InventoryBuilder, InventoryStore, InventoryOptions>
{
    internal InventoryBuilder(IServiceCollection services)
        : base(services)
    {
    }
}
