namespace CommerceKit.Inventory;

/// <summary>A hold on stock for one checkout: all its lines or none, until its time to live runs out.</summary>
public sealed class ReservationRequest
{
    /// <summary>The most lines one reservation may have.</summary>
    public const int MaxLines = 100;

    /// <summary>Creates a reservation request.</summary>
    /// <param name="reservationId">
    /// The reservation's id, for example derived from the order: repeating a reservation with the same id never holds
    /// stock twice.
    /// </param>
    /// <param name="lines">The SKUs and quantities: 1 to <see cref="MaxLines"/> lines, each SKU once, each quantity positive.</param>
    /// <param name="ttl">How long the stock is held unless the reservation is confirmed, released or extended.</param>
    /// <param name="customerId">The customer, when <paramref name="perCustomerLimit"/> applies.</param>
    /// <param name="perCustomerLimit">
    /// The most units of each SKU one customer may hold or have bought through reservations ("1 per customer"); checked
    /// in the same atomic step as the stock.
    /// </param>
    /// <exception cref="ArgumentException">An id is not a valid key, a SKU appears twice, or there are no or too many lines.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The time to live or the limit is not positive.</exception>
    public ReservationRequest(string reservationId, IReadOnlyList<ReservationLine> lines, TimeSpan ttl, string? customerId = null, int? perCustomerLimit = null)
    {
        KeyGuard.ThrowIfInvalid(reservationId);
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count is 0 or > MaxLines)
        {
            throw new ArgumentException($"A reservation has 1 to {MaxLines} lines; this one has {lines.Count}.", nameof(lines));
        }

        var skus = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            // A line checks its own SKU and quantity when it is made.
            ArgumentNullException.ThrowIfNull(line, nameof(lines));
            if (!skus.Add(line.Sku))
            {
                throw new ArgumentException($"SKU '{line.Sku}' appears on two lines; put its whole quantity on one.", nameof(lines));
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        if (perCustomerLimit is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit, nameof(perCustomerLimit));
            if (customerId is null)
            {
                throw new ArgumentException("A per-customer limit needs the customer id.", nameof(customerId));
            }
        }

        if (customerId is not null)
        {
            KeyGuard.ThrowIfInvalid(customerId);
        }

        ReservationId = reservationId;

        // One order for every backend: SKUs are always taken in the same order, so two reservations never wait on
        // each other's SKUs crosswise.
        Lines = [.. lines.OrderBy(line => line.Sku, StringComparer.Ordinal)];
        Ttl = ttl;
        CustomerId = customerId;
        PerCustomerLimit = perCustomerLimit;
    }

    /// <summary>The reservation's id.</summary>
    public string ReservationId { get; }

    /// <summary>The lines, ordered by SKU (ordinal).</summary>
    public IReadOnlyList<ReservationLine> Lines { get; }

    /// <summary>How long the stock is held.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>The customer, if given.</summary>
    public string? CustomerId { get; }

    /// <summary>The most units of each SKU the customer may hold or have bought, if limited.</summary>
    public int? PerCustomerLimit { get; }
}
