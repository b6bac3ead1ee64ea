namespace CommerceKit.Inventory;

/// <summary>
/// Told about every reservation that expired (register implementations as services): the reference shop cancels the
/// order. Each expiry is delivered once, by the instance whose sweeper found it; a handler that throws is logged and
/// not called again for that expiry.
/// </summary>
public interface IReservationExpiredHandler
{
    /// <summary>Handles one expiry.</summary>
    /// <param name="expired">The expired reservation.</param>
    /// <param name="cancellationToken">Cancelled when the application stops.</param>
    /// <returns>A task that completes when handled.</returns>
    ValueTask HandleAsync(ReservationExpired expired, CancellationToken cancellationToken);
}
