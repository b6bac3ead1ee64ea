namespace CommerceKit.Idempotency;

/// <summary>
/// The operation ran longer than <see cref="IdempotencyOptions.Lease"/> and another attempt claimed the key, so this
/// attempt's result was not stored: the key's answer is the other attempt's. Retrying replays it.
/// </summary>
public sealed class IdempotencyLeaseLostException : IdempotencyException
{
    /// <summary>Creates the exception.</summary>
    public IdempotencyLeaseLostException()
        : base("The operation outlived its idempotency lease and another attempt took the key over; its result was not stored. Retry to get the key's answer, and make the lease longer than the slowest operation.")
    {
    }
}
