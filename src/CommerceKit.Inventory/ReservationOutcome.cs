namespace CommerceKit.Inventory;

/// <summary>What <see cref="IInventory.ReserveAsync"/> did.</summary>
public enum ReservationOutcome
{
    /// <summary>Every line is held until <see cref="ReservationResult.ExpiresAt"/>.</summary>
    Reserved,

    /// <summary>Some line has not enough stock; nothing is held. <see cref="ReservationResult.Shortfalls"/> says which.</summary>
    InsufficientStock,

    /// <summary>Some line would take the customer past the per-customer limit; nothing is held.</summary>
    LimitExceeded,
}
