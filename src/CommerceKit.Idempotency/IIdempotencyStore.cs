namespace CommerceKit.Idempotency;

/// <summary>
/// The port each idempotency backend implements: a record per <see cref="IdempotencyKey"/> that is first a lease
/// (the attempt running the operation) and then the stored response, kept for a retention period. Applications
/// call <see cref="IIdempotencyExecutor"/>, which runs on top of it.
/// </summary>
/// <remarks>
/// Every method turns an outage into <see cref="BackendUnavailableException"/>. A claim is atomic across every
/// instance that shares the backend: of any number of concurrent claims of a free key, exactly one is
/// <see cref="IdempotencyClaimStatus.Claimed"/>.
/// </remarks>
public interface IIdempotencyStore
{
    /// <summary>
    /// Claims <paramref name="key"/> for <paramref name="lease"/> when it is free (never used, released, or its lease or
    /// retention ran out); otherwise reports the stored response, the running attempt, or a fingerprint mismatch.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="fingerprint">What identifies the request, for example a hash of its body; 1 to 512 characters.</param>
    /// <param name="lease">How long the claim holds without completion: how long a crashed attempt blocks retries.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The claim.</returns>
    ValueTask<IdempotencyClaim> TryClaimAsync(IdempotencyKey key, string fingerprint, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="response"/> for <paramref name="retention"/> when <paramref name="leaseToken"/> still holds
    /// the key's lease; a stale attempt (its lease ran out and another claimed the key) is refused.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="leaseToken">The token of the claim.</param>
    /// <param name="response">The response to replay.</param>
    /// <param name="retention">How long the response is replayed; afterwards the key is free.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns><see langword="false"/> when the lease is no longer the caller's, or was already completed or released.</returns>
    ValueTask<bool> CompleteAsync(IdempotencyKey key, long leaseToken, StoredResponse response, TimeSpan retention, CancellationToken cancellationToken);

    /// <summary>Frees the key when <paramref name="leaseToken"/> still holds its lease, so a retry runs the operation again.</summary>
    /// <param name="key">The key.</param>
    /// <param name="leaseToken">The token of the claim.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>A task that completes when the key is free (or was not the caller's to free).</returns>
    ValueTask ReleaseAsync(IdempotencyKey key, long leaseToken, CancellationToken cancellationToken);
}
