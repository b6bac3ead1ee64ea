namespace CommerceKit.Idempotency;

/// <summary>The answer of <see cref="IdempotencyStore.TryClaimAsync"/>; which members are set depends on <see cref="Status"/>.</summary>
public sealed class IdempotencyClaim
{
    private static readonly IdempotencyClaim Mismatch = new(IdempotencyClaimStatus.FingerprintMismatch, 0, null, TimeSpan.Zero);

    private IdempotencyClaim(IdempotencyClaimStatus status, long leaseToken, StoredResponse? response, TimeSpan retryAfter)
    {
        Status = status;
        LeaseToken = leaseToken;
        Response = response;
        RetryAfter = retryAfter;
    }

    /// <summary>What the store found.</summary>
    public IdempotencyClaimStatus Status { get; }

    /// <summary>When <see cref="IdempotencyClaimStatus.Claimed"/>: the token that fences completion and release; else 0.</summary>
    public long LeaseToken { get; }

    /// <summary>When <see cref="IdempotencyClaimStatus.Completed"/>: the stored response; else <see langword="null"/>.</summary>
    public StoredResponse? Response { get; }

    /// <summary>When <see cref="IdempotencyClaimStatus.InProgress"/>: how long the holder's lease has left; else zero.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>The key was free and is now leased under <paramref name="leaseToken"/>.</summary>
    /// <param name="leaseToken">A positive token no earlier claim of the key held.</param>
    /// <returns>The claim.</returns>
    public static IdempotencyClaim Claimed(long leaseToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(leaseToken);
        return new(IdempotencyClaimStatus.Claimed, leaseToken, null, TimeSpan.Zero);
    }

    /// <summary>The key's first request finished with <paramref name="response"/>.</summary>
    /// <param name="response">The stored response.</param>
    /// <returns>The claim.</returns>
    public static IdempotencyClaim Completed(StoredResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new(IdempotencyClaimStatus.Completed, 0, response, TimeSpan.Zero);
    }

    /// <summary>Another attempt holds the key's lease for <paramref name="retryAfter"/> more.</summary>
    /// <param name="retryAfter">The lease's remaining time; negative values count as zero.</param>
    /// <returns>The claim.</returns>
    public static IdempotencyClaim InProgress(TimeSpan retryAfter) =>
        new(IdempotencyClaimStatus.InProgress, 0, null, retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter);

    /// <summary>The key was first used with another fingerprint.</summary>
    /// <returns>The claim.</returns>
    public static IdempotencyClaim FingerprintMismatch() => Mismatch;
}
