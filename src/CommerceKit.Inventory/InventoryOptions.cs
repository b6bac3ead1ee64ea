using System.ComponentModel.DataAnnotations;

namespace CommerceKit.Inventory;

/// <summary>Options of the inventory, the same for every backend.</summary>
public sealed class InventoryOptions
{
    /// <summary>How often the expiry sweeper looks for reservations whose time ran out; expired stock is back this soon.</summary>
    /// <value>The default value is 250 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a finished reservation (confirmed, released, expired) is remembered, so a repeated call with its id
    /// answers its status instead of reserving again.
    /// </summary>
    /// <value>The default value is 24 hours.</value>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan ReservationRetention { get; set; } = TimeSpan.FromHours(24);
}
