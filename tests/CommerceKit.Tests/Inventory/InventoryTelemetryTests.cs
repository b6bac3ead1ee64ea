using System.Diagnostics.Metrics;
using CommerceKit.Inventory;
using CommerceKit.Inventory.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommerceKit.Tests.Inventory;

/// <summary>Every reservation attempt is counted by outcome, under a backend name no other test uses.</summary>
public sealed class InventoryTelemetryTests : IDisposable
{
    private const string Backend = "inventory-telemetry-test";

    private readonly MeterListener _meters = new();
    private readonly List<string> _outcomes = [];

    public InventoryTelemetryTests()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "commercekit.inventory.reservations")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var values = tags.ToArray().ToDictionary(t => t.Key, t => t.Value as string);
            if (values.GetValueOrDefault("commercekit.backend") == Backend)
            {
                lock (_outcomes)
                {
                    _outcomes.Add(values["commercekit.inventory.outcome"]!);
                }
            }
        });
        _meters.Start();
    }

    [Fact]
    public async Task Each_reservation_outcome_is_counted()
    {
        await using var services = new ServiceCollection().AddCommerceKit()
            .AddInventory(inventory => inventory.UseStore<NamedStore>()).Services.BuildServiceProvider();
        var inventory = services.GetRequiredService<IInventory>();
        await inventory.SetStockAsync("SKU-1", 1);

        await inventory.ReserveAsync(new ReservationRequest("r1", [new("SKU-1", 1)], TimeSpan.FromHours(1), "alice", 1));
        await inventory.ReserveAsync(new ReservationRequest("r2", [new("SKU-1", 1)], TimeSpan.FromHours(1), "bob", 1));
        await inventory.ReserveAsync(new ReservationRequest("r3", [new("SKU-1", 1)], TimeSpan.FromHours(1), "alice", 1));

        Assert.Equal(["reserved", "insufficient_stock", "limit_exceeded"], _outcomes);
    }

    public void Dispose() => _meters.Dispose();

    /// <summary>An in-memory store under its own backend name, so parallel tests do not count here.</summary>
    internal sealed class NamedStore() : InventoryStore(Backend)
    {
        private readonly InMemoryInventoryStore _inner = new(TimeProvider.System, Options.Create(new InventoryOptions()));

        protected override ValueTask SetStockCoreAsync(string sku, long onHand, CancellationToken cancellationToken) => _inner.SetStockAsync(sku, onHand, cancellationToken);

        protected override ValueTask AdjustStockCoreAsync(string sku, long delta, CancellationToken cancellationToken) => _inner.AdjustStockAsync(sku, delta, cancellationToken);

        protected override ValueTask<StockLevel> GetStockCoreAsync(string sku, CancellationToken cancellationToken) => _inner.GetStockAsync(sku, cancellationToken);

        protected override ValueTask<ReservationResult> ReserveCoreAsync(ReservationRequest request, CancellationToken cancellationToken) => _inner.ReserveAsync(request, cancellationToken);

        protected override ValueTask<ReservationStatus> ConfirmCoreAsync(string reservationId, CancellationToken cancellationToken) => _inner.ConfirmAsync(reservationId, cancellationToken);

        protected override ValueTask<ReservationStatus> ReleaseCoreAsync(string reservationId, CancellationToken cancellationToken) => _inner.ReleaseAsync(reservationId, cancellationToken);

        protected override ValueTask<ReservationStatus> ExtendCoreAsync(string reservationId, TimeSpan ttl, CancellationToken cancellationToken) => _inner.ExtendAsync(reservationId, ttl, cancellationToken);

        protected override ValueTask<IReadOnlyList<ReservationExpired>> ExpireDueCoreAsync(int maxCount, CancellationToken cancellationToken) => _inner.ExpireDueAsync(maxCount, cancellationToken);
    }
}
