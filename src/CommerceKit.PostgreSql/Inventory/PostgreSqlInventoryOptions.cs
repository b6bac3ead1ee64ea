using System.ComponentModel.DataAnnotations;

namespace CommerceKit.PostgreSql.Inventory;

/// <summary>Options of the PostgreSQL inventory.</summary>
public sealed class PostgreSqlInventoryOptions
{
    /// <summary>
    /// Whether one-line reservations are coalesced: requests that arrive while a batch runs go together in the next
    /// transaction (one commit, one round trip), each still all-or-nothing with its own answer. A hot SKU's row lock
    /// then serialises batches instead of single reservations. Multi-line reservations always run on their own.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool CoalesceReservations { get; set; } = true;

    /// <summary>The most reservations in one coalesced transaction.</summary>
    /// <value>The default value is 256.</value>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 256;
}
