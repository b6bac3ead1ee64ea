using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CommerceKit.Inventory;

/// <summary>
/// Configures the inventory inside <c>AddInventory(inventory => …)</c>: its options and its backend. Stock lives in
/// this process's memory unless a backend is chosen (<c>UseRedis()</c>, <c>UsePostgreSql()</c> or
/// <see cref="UseStore{TStore}"/>).
/// </summary>
public sealed class InventoryBuilder
{
    internal InventoryBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection, for backend packages that extend this builder.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Configures <see cref="InventoryOptions"/> (validated when the host starts).</summary>
    /// <param name="configure">Sets the options.</param>
    /// <returns>This builder.</returns>
    public InventoryBuilder Configure(Action<InventoryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Keeps the stock in <typeparamref name="TStore"/>, a backend of your own (resolved from DI).</summary>
    /// <typeparam name="TStore">The store; it must pass the inventory conformance suite.</typeparam>
    /// <returns>This builder.</returns>
    public InventoryBuilder UseStore<TStore>()
        where TStore : InventoryStore
    {
        Services.Replace(ServiceDescriptor.Singleton<InventoryStore, TStore>());
        return this;
    }
}
