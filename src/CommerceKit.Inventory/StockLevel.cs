namespace CommerceKit.Inventory;

/// <summary>The stock of one SKU: what is on hand, how much of it is held by reservations, and what is left to reserve.</summary>
/// <param name="Sku">The SKU.</param>
/// <param name="OnHand">Units in stock, reserved ones included; confirmed sales are no longer on hand.</param>
/// <param name="Reserved">Units held by reservations that are neither confirmed, released nor expired.</param>
public readonly record struct StockLevel(string Sku, long OnHand, long Reserved)
{
    /// <summary>
    /// The most units a SKU can have on hand: 2^53 − 1, the largest whole number every backend holds exactly (Redis
    /// scripts compute in doubles). Larger stock counts and adjustments are refused with
    /// <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    public const long MaxUnits = (1L << 53) - 1;

    /// <summary>Units a new reservation can take: <see cref="OnHand"/> − <see cref="Reserved"/>, never negative.</summary>
    public long Available => OnHand - Reserved;
}
