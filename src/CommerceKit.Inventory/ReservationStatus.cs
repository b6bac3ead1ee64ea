namespace CommerceKit.Inventory;

/// <summary>Where a reservation stands. Confirmed, released and expired are final.</summary>
public enum ReservationStatus
{
    /// <summary>No reservation has this id (or it was forgotten after its retention).</summary>
    NotFound,

    /// <summary>The stock is held until the reservation's expiry.</summary>
    Held,

    /// <summary>The sale happened: the units left the stock on hand.</summary>
    Confirmed,

    /// <summary>Released before it expired: the units went back to available stock.</summary>
    Released,

    /// <summary>Not confirmed in time: the units went back to available stock.</summary>
    Expired,
}
