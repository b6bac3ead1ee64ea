namespace CommerceKit.Inventory;

/// <summary>A line a reservation could not take: what it asked for and what it could have had.</summary>
/// <param name="Sku">The SKU.</param>
/// <param name="Requested">The quantity asked for.</param>
/// <param name="Available">
/// For <see cref="ReservationOutcome.InsufficientStock"/>, the units available; for
/// <see cref="ReservationOutcome.LimitExceeded"/>, the units the customer may still take.
/// </param>
public sealed record LineShortfall(string Sku, int Requested, long Available);
