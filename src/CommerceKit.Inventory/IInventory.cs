namespace CommerceKit.Inventory;

/// <summary>
/// Stock and reservations shared by every instance of an application: a reservation holds stock for a limited time,
/// then is confirmed (the sale) or released; available stock never goes below zero.
/// </summary>
public interface IInventory
{
    /// <summary>Sets the units on hand of <paramref name="sku"/> (a stock count).</summary>
    /// <param name="sku">The SKU.</param>
    /// <param name="onHand">The units on hand; not less than the units reserved.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>A task that completes when set.</returns>
    /// <exception cref="ArgumentException"><paramref name="sku"/> is not a valid key.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="onHand"/> is negative or more than <see cref="StockLevel.MaxUnits"/>.</exception>
    /// <exception cref="InvalidOperationException">Fewer units than are reserved: release reservations first.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached.</exception>
    ValueTask SetStockAsync(string sku, long onHand, CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="delta"/> units on hand (restock), or removes them when negative (shrinkage).</summary>
    /// <param name="sku">The SKU.</param>
    /// <param name="delta">The change.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>A task that completes when adjusted.</returns>
    /// <exception cref="ArgumentException"><paramref name="sku"/> is not a valid key.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="delta"/> is beyond <see cref="StockLevel.MaxUnits"/> either way, or would leave more than that on
    /// hand; nothing changed.
    /// </exception>
    /// <exception cref="InvalidOperationException">The change would leave fewer units than are reserved; nothing changed.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached.</exception>
    ValueTask AdjustStockAsync(string sku, long delta, CancellationToken cancellationToken = default);

    /// <summary>Reads the stock of <paramref name="sku"/>; an unknown SKU has none.</summary>
    /// <param name="sku">The SKU.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The stock level.</returns>
    /// <exception cref="ArgumentException"><paramref name="sku"/> is not a valid key.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached.</exception>
    ValueTask<StockLevel> GetStockAsync(string sku, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the stock of several SKUs in one request to the backend (a product page's availability): one level per
    /// SKU, in the order given, each as <see cref="GetStockAsync"/> would read it; an unknown SKU has none.
    /// </summary>
    /// <param name="skus">The SKUs, at most <see cref="InventoryStore.MaxSkusPerRead"/>; may repeat, may be empty.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The stock levels, <c>levels[i]</c> for <c>skus[i]</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="skus"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A SKU is not a valid key.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More than <see cref="InventoryStore.MaxSkusPerRead"/> SKUs.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached.</exception>
    ValueTask<IReadOnlyList<StockLevel>> GetStockLevelsAsync(IReadOnlyList<string> skus, CancellationToken cancellationToken = default);

    /// <summary>
    /// Holds every line of <paramref name="request"/>, or none. Repeating a reservation id that is already known answers
    /// its first result (its original expiry) and holds nothing more; an unknown SKU has no stock.
    /// </summary>
    /// <param name="request">The reservation.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>Reserved, insufficient stock (with what is available), or limit exceeded.</returns>
    /// <exception cref="BackendUnavailableException">The backend could not be reached; nothing is held.</exception>
    ValueTask<ReservationResult> ReserveAsync(ReservationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Turns a held reservation into a sale: its units leave the stock on hand. Repeating it changes nothing.</summary>
    /// <param name="reservationId">The reservation's id.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns><see cref="ReservationStatus.Confirmed"/>, or the final status that prevented it (released, expired, not found).</returns>
    /// <exception cref="ArgumentException"><paramref name="reservationId"/> is not a valid key.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached.</exception>
    ValueTask<ReservationStatus> ConfirmAsync(string reservationId, CancellationToken cancellationToken = default);

    /// <summary>Returns a held reservation's units to available stock. A confirmed reservation stays confirmed.</summary>
    /// <param name="reservationId">The reservation's id.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns><see cref="ReservationStatus.Released"/>, or the final status it already had.</returns>
    /// <exception cref="ArgumentException"><paramref name="reservationId"/> is not a valid key.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached.</exception>
    ValueTask<ReservationStatus> ReleaseAsync(string reservationId, CancellationToken cancellationToken = default);

    /// <summary>Holds a held reservation for <paramref name="ttl"/> from now.</summary>
    /// <param name="reservationId">The reservation's id.</param>
    /// <param name="ttl">The new time to live, from now.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns><see cref="ReservationStatus.Held"/>, or the final status that prevented it.</returns>
    /// <exception cref="ArgumentException"><paramref name="reservationId"/> is not a valid key.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ttl"/> is not positive.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached.</exception>
    ValueTask<ReservationStatus> ExtendAsync(string reservationId, TimeSpan ttl, CancellationToken cancellationToken = default);
}
