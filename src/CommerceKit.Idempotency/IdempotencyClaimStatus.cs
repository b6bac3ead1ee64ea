namespace CommerceKit.Idempotency;

/// <summary>What <see cref="IdempotencyStore.TryClaimAsync"/> found.</summary>
public enum IdempotencyClaimStatus
{
    /// <summary>The key was free: the caller holds its lease and must complete or release it.</summary>
    Claimed,

    /// <summary>The key's first request finished: replay <see cref="IdempotencyClaim.Response"/>.</summary>
    Completed,

    /// <summary>Another attempt holds the key's lease; try again after <see cref="IdempotencyClaim.RetryAfter"/>.</summary>
    InProgress,

    /// <summary>The key was first used for a different request (another fingerprint).</summary>
    FingerprintMismatch,
}
