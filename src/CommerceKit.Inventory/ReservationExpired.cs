namespace CommerceKit.Inventory;

/// <summary>A reservation ran out without confirmation and its stock went back to available.</summary>
/// <param name="ReservationId">The reservation's id.</param>
/// <param name="Lines">What it held.</param>
/// <param name="CustomerId">The customer, if the reservation named one.</param>
/// <param name="ExpiredAt">When the hold ended.</param>
public sealed record ReservationExpired(string ReservationId, IReadOnlyList<ReservationLine> Lines, string? CustomerId, DateTimeOffset ExpiredAt);
