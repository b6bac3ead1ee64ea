namespace CommerceKit.Inventory;

/// <summary>One line of a reservation: a quantity of one SKU.</summary>
public sealed record ReservationLine
{
    /// <summary>Creates a line.</summary>
    /// <param name="sku">The SKU; a valid key (see <see cref="KeyGuard"/>).</param>
    /// <param name="quantity">How many units; positive.</param>
    /// <exception cref="ArgumentException"><paramref name="sku"/> is not a valid key.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quantity"/> is not positive.</exception>
    public ReservationLine(string sku, int quantity)
    {
        KeyGuard.ThrowIfInvalid(sku);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        Sku = sku;
        Quantity = quantity;
    }

    /// <summary>The SKU.</summary>
    public string Sku { get; }

    /// <summary>How many units; positive.</summary>
    public int Quantity { get; }
}
