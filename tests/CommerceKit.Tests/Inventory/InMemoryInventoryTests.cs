using CommerceKit.ConformanceTests.Inventory;
using CommerceKit.Inventory;
using CommerceKit.Inventory.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommerceKit.Tests.Inventory;

public sealed class InMemoryInventoryTests : InventoryConformanceTests
{
    protected override InventoryBackend CreateBackend() => new InMemoryInventoryBackend();

    /// <summary>In-memory instances share stock only within one store, as the tasks of one process do.</summary>
    private sealed class InMemoryInventoryBackend : InventoryBackend
    {
        private readonly InMemoryInventoryStore _store = new(TimeProvider.System, Options.Create(new InventoryOptions()));

        protected override void AddBackend(ICommerceKitBuilder builder, Action<InventoryOptions> configure)
        {
            builder.Services.AddSingleton<InventoryStore>(_store);
            builder.AddInventory(inventory => inventory.Configure(configure));
        }
    }
}
