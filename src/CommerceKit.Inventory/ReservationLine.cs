namespace CommerceKit.Inventory;

/// <summary>One line of a reservation: a quantity of one SKU.</summary>
/// <param name="Sku">The SKU.</param>
/// <param name="Quantity">How many units; positive.</param>
public sealed record ReservationLine(string Sku, int Quantity);
