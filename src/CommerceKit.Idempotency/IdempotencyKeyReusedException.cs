namespace CommerceKit.Idempotency;

/// <summary>
/// The key was first used for a different request (another fingerprint; HTTP 422 <c>idempotency_key_reused</c>).
/// The client must use a new key for a new request.
/// </summary>
public sealed class IdempotencyKeyReusedException : IdempotencyException
{
    /// <summary>Creates the exception.</summary>
    public IdempotencyKeyReusedException()
        : base("The idempotency key was already used for a different request; use a new key for a new request.")
    {
    }
}
