namespace CommerceKit.Inventory.Engine;

/// <summary>
/// The engine behind <see cref="IInventory"/>, the same for every backend: the store checks the arguments and does
/// the work, the engine counts outcomes and makes sure the expiry sweeper runs (with or without a Generic Host).
/// </summary>
internal sealed class InventoryEngine : IInventory
{
    private readonly InventoryStore _store;

    public InventoryEngine(InventoryStore store, ReservationExpirySweeper sweeper)
    {
        _store = store;
        sweeper.EnsureStarted();
    }

    public ValueTask SetStockAsync(string sku, long onHand, CancellationToken cancellationToken = default) =>
        _store.SetStockAsync(sku, onHand, cancellationToken);

    public ValueTask AdjustStockAsync(string sku, long delta, CancellationToken cancellationToken = default) =>
        _store.AdjustStockAsync(sku, delta, cancellationToken);

    public ValueTask<StockLevel> GetStockAsync(string sku, CancellationToken cancellationToken = default) =>
        _store.GetStockAsync(sku, cancellationToken);

    public ValueTask<IReadOnlyList<StockLevel>> GetStockLevelsAsync(IReadOnlyList<string> skus, CancellationToken cancellationToken = default) =>
        _store.GetStockLevelsAsync(skus, cancellationToken);

    public async ValueTask<ReservationResult> ReserveAsync(ReservationRequest request, CancellationToken cancellationToken = default)
    {
        var result = await _store.ReserveAsync(request, cancellationToken).ConfigureAwait(false);
        InventoryTelemetry.RecordReservation(_store.BackendName, result.Outcome);
        return result;
    }

    public ValueTask<ReservationStatus> ConfirmAsync(string reservationId, CancellationToken cancellationToken = default) =>
        _store.ConfirmAsync(reservationId, cancellationToken);

    public ValueTask<ReservationStatus> ReleaseAsync(string reservationId, CancellationToken cancellationToken = default) =>
        _store.ReleaseAsync(reservationId, cancellationToken);

    public ValueTask<ReservationStatus> ExtendAsync(string reservationId, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        _store.ExtendAsync(reservationId, ttl, cancellationToken);
}
