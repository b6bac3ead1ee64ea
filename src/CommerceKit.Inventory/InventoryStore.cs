namespace CommerceKit.Inventory;

/// <summary>
/// The port every inventory backend implements: its public methods check every argument and call the protected
/// <c>…CoreAsync</c> members, so a backend only sees valid SKUs, ids and durations. Applications call
/// <see cref="IInventory"/>, whose engine runs on top of it and adds telemetry and the expiry sweeper, which calls
/// <see cref="ExpireDueAsync"/>.
/// </summary>
public abstract class InventoryStore
{
    /// <summary>The most SKUs <see cref="GetStockLevelsAsync"/> reads in one call: a bound on one request's size.</summary>
    public const int MaxSkusPerRead = 1000;

    /// <summary>Creates the store.</summary>
    /// <param name="backendName">The backend, for telemetry: <c>memory</c>, <c>redis</c>, <c>postgresql</c>.</param>
    protected InventoryStore(string backendName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendName);
        BackendName = backendName;
    }

    /// <summary>The backend, for telemetry.</summary>
    public string BackendName { get; }

    /// <inheritdoc cref="IInventory.SetStockAsync"/>
    public ValueTask SetStockAsync(string sku, long onHand, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(sku);
        ArgumentOutOfRangeException.ThrowIfNegative(onHand);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(onHand, StockLevel.MaxUnits);
        cancellationToken.ThrowIfCancellationRequested();
        return SetStockCoreAsync(sku, onHand, cancellationToken);
    }

    /// <inheritdoc cref="IInventory.AdjustStockAsync"/>
    public ValueTask AdjustStockAsync(string sku, long delta, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(sku);
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, -StockLevel.MaxUnits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(delta, StockLevel.MaxUnits);
        cancellationToken.ThrowIfCancellationRequested();
        return AdjustStockCoreAsync(sku, delta, cancellationToken);
    }

    /// <inheritdoc cref="IInventory.GetStockAsync"/>
    public ValueTask<StockLevel> GetStockAsync(string sku, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(sku);
        cancellationToken.ThrowIfCancellationRequested();
        return GetStockCoreAsync(sku, cancellationToken);
    }

    /// <inheritdoc cref="IInventory.GetStockLevelsAsync"/>
    public ValueTask<IReadOnlyList<StockLevel>> GetStockLevelsAsync(IReadOnlyList<string> skus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(skus);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(skus.Count, MaxSkusPerRead, nameof(skus));
        foreach (var sku in skus)
        {
            KeyGuard.ThrowIfInvalid(sku, nameof(skus));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return skus.Count == 0 ? ValueTask.FromResult<IReadOnlyList<StockLevel>>([]) : GetStockLevelsCoreAsync(skus, cancellationToken);
    }

    /// <inheritdoc cref="IInventory.ReserveAsync"/>
    public ValueTask<ReservationResult> ReserveAsync(ReservationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        return ReserveCoreAsync(request, cancellationToken);
    }

    /// <inheritdoc cref="IInventory.ConfirmAsync"/>
    public ValueTask<ReservationStatus> ConfirmAsync(string reservationId, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(reservationId);
        cancellationToken.ThrowIfCancellationRequested();
        return ConfirmCoreAsync(reservationId, cancellationToken);
    }

    /// <inheritdoc cref="IInventory.ReleaseAsync"/>
    public ValueTask<ReservationStatus> ReleaseAsync(string reservationId, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(reservationId);
        cancellationToken.ThrowIfCancellationRequested();
        return ReleaseCoreAsync(reservationId, cancellationToken);
    }

    /// <inheritdoc cref="IInventory.ExtendAsync"/>
    public ValueTask<ReservationStatus> ExtendAsync(string reservationId, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(reservationId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        return ExtendCoreAsync(reservationId, ttl, cancellationToken);
    }

    /// <summary>
    /// Expires up to <paramref name="maxCount"/> held reservations whose time ran out (their units go back to available
    /// stock) and returns them, each once, together with any that an earlier call found expired on access. The expiry
    /// sweeper calls it; applications do not need to.
    /// </summary>
    /// <param name="maxCount">The most reservations to return.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The reservations that expired, oldest first.</returns>
    public ValueTask<IReadOnlyList<ReservationExpired>> ExpireDueAsync(int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        cancellationToken.ThrowIfCancellationRequested();
        return ExpireDueCoreAsync(maxCount, cancellationToken);
    }

    /// <summary>The backend's <see cref="SetStockAsync"/>; arguments are valid.</summary>
    /// <param name="sku">The SKU.</param>
    /// <param name="onHand">The units on hand, not negative.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>A task that completes when set.</returns>
    protected abstract ValueTask SetStockCoreAsync(string sku, long onHand, CancellationToken cancellationToken);

    /// <summary>
    /// The backend's <see cref="AdjustStockAsync"/>; arguments are valid. An adjustment that would leave more than
    /// <see cref="StockLevel.MaxUnits"/> on hand changes nothing and throws <see cref="OverflowingAdjustment"/>.
    /// </summary>
    /// <param name="sku">The SKU.</param>
    /// <param name="delta">The change, at most <see cref="StockLevel.MaxUnits"/> either way.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>A task that completes when adjusted.</returns>
    protected abstract ValueTask AdjustStockCoreAsync(string sku, long delta, CancellationToken cancellationToken);

    /// <summary>
    /// The exception every backend throws when an adjustment would leave more than <see cref="StockLevel.MaxUnits"/>
    /// on hand, so the same misuse gets the same answer on every backend.
    /// </summary>
    /// <param name="sku">The SKU.</param>
    /// <param name="delta">The refused change.</param>
    /// <returns>The exception to throw.</returns>
    protected static ArgumentOutOfRangeException OverflowingAdjustment(string sku, long delta) =>
        new(nameof(delta), delta, $"Adding {delta} units to SKU '{sku}' would leave more than {StockLevel.MaxUnits} on hand; nothing was changed.");

    /// <summary>The backend's <see cref="GetStockAsync"/>; arguments are valid.</summary>
    /// <param name="sku">The SKU.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The stock level.</returns>
    protected abstract ValueTask<StockLevel> GetStockCoreAsync(string sku, CancellationToken cancellationToken);

    /// <summary>
    /// The backend's <see cref="GetStockLevelsAsync"/>; the SKUs are valid, at least one and at most
    /// <see cref="MaxSkusPerRead"/>. This default reads one SKU after another; a backend that can read them in one
    /// round trip overrides it.
    /// </summary>
    /// <param name="skus">The SKUs, in the order to answer them.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>One stock level per SKU, in order.</returns>
    protected virtual async ValueTask<IReadOnlyList<StockLevel>> GetStockLevelsCoreAsync(IReadOnlyList<string> skus, CancellationToken cancellationToken)
    {
        var levels = new StockLevel[skus.Count];
        for (var i = 0; i < levels.Length; i++)
        {
            levels[i] = await GetStockCoreAsync(skus[i], cancellationToken).ConfigureAwait(false);
        }

        return levels;
    }

    /// <summary>The backend's <see cref="ReserveAsync"/>: atomic across the lines and the customer limit.</summary>
    /// <param name="request">The reservation.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The result.</returns>
    protected abstract ValueTask<ReservationResult> ReserveCoreAsync(ReservationRequest request, CancellationToken cancellationToken);

    /// <summary>The backend's <see cref="ConfirmAsync"/>; arguments are valid.</summary>
    /// <param name="reservationId">The reservation's id.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The status.</returns>
    protected abstract ValueTask<ReservationStatus> ConfirmCoreAsync(string reservationId, CancellationToken cancellationToken);

    /// <summary>The backend's <see cref="ReleaseAsync"/>; arguments are valid.</summary>
    /// <param name="reservationId">The reservation's id.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The status.</returns>
    protected abstract ValueTask<ReservationStatus> ReleaseCoreAsync(string reservationId, CancellationToken cancellationToken);

    /// <summary>The backend's <see cref="ExtendAsync"/>; arguments are valid.</summary>
    /// <param name="reservationId">The reservation's id.</param>
    /// <param name="ttl">The new time to live, positive.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The status.</returns>
    protected abstract ValueTask<ReservationStatus> ExtendCoreAsync(string reservationId, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>The backend's <see cref="ExpireDueAsync"/>; arguments are valid.</summary>
    /// <param name="maxCount">The most reservations to return, positive.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The expired reservations.</returns>
    protected abstract ValueTask<IReadOnlyList<ReservationExpired>> ExpireDueCoreAsync(int maxCount, CancellationToken cancellationToken);
}
