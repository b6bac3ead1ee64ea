namespace CommerceKit.Inventory;

/// <summary>The answer of <see cref="IInventory.ReserveAsync"/>.</summary>
public sealed class ReservationResult
{
    private ReservationResult(ReservationOutcome outcome, DateTimeOffset expiresAt, IReadOnlyList<LineShortfall> shortfalls)
    {
        Outcome = outcome;
        ExpiresAt = expiresAt;
        Shortfalls = shortfalls;
    }

    /// <summary>What happened.</summary>
    public ReservationOutcome Outcome { get; }

    /// <summary>Whether every line is held.</summary>
    public bool IsReserved => Outcome == ReservationOutcome.Reserved;

    /// <summary>When reserved: when the hold ends unless confirmed, released or extended; else <see cref="DateTimeOffset.MinValue"/>.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>When not reserved: the lines that could not be taken; else empty.</summary>
    public IReadOnlyList<LineShortfall> Shortfalls { get; }

    /// <summary>Every line is held until <paramref name="expiresAt"/>.</summary>
    /// <param name="expiresAt">When the hold ends.</param>
    /// <returns>The result.</returns>
    public static ReservationResult Reserved(DateTimeOffset expiresAt) => new(ReservationOutcome.Reserved, expiresAt, []);

    /// <summary>Some lines have not enough stock; nothing is held.</summary>
    /// <param name="shortfalls">The short lines, with the units available.</param>
    /// <returns>The result.</returns>
    public static ReservationResult InsufficientStock(IReadOnlyList<LineShortfall> shortfalls) =>
        new(ReservationOutcome.InsufficientStock, DateTimeOffset.MinValue, NotEmpty(shortfalls));

    /// <summary>Some lines would exceed the per-customer limit; nothing is held.</summary>
    /// <param name="shortfalls">The lines over the limit, with the units the customer may still take.</param>
    /// <returns>The result.</returns>
    public static ReservationResult LimitExceeded(IReadOnlyList<LineShortfall> shortfalls) =>
        new(ReservationOutcome.LimitExceeded, DateTimeOffset.MinValue, NotEmpty(shortfalls));

    private static IReadOnlyList<LineShortfall> NotEmpty(IReadOnlyList<LineShortfall> shortfalls)
    {
        ArgumentNullException.ThrowIfNull(shortfalls);
        ArgumentOutOfRangeException.ThrowIfZero(shortfalls.Count, nameof(shortfalls));
        return shortfalls;
    }
}
