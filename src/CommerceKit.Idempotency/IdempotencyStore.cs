namespace CommerceKit.Idempotency;

/// <summary>
/// The port each idempotency backend implements: a record per <see cref="IdempotencyKey"/> that is first a lease
/// (the attempt running the operation) and then the stored response, kept for a retention period. Its public methods check every
/// argument, so a backend implements only the <c>…Core</c> methods and sees valid input. Applications
/// call <see cref="IIdempotencyExecutor"/>, which runs on top of it.
/// </summary>
/// <remarks>
/// Every method turns an outage into <see cref="BackendUnavailableException"/>. A claim is atomic across every
/// instance that shares the backend: of any number of concurrent claims of a free key, exactly one is
/// <see cref="IdempotencyClaimStatus.Claimed"/>.
/// </remarks>
public abstract class IdempotencyStore
{
    /// <summary>The longest fingerprint accepted.</summary>
    public const int MaxFingerprintLength = 512;

    /// <summary>Creates the store.</summary>
    /// <param name="backendName">The backend, for telemetry: <c>memory</c>, <c>redis</c>, <c>postgresql</c>.</param>
    protected IdempotencyStore(string backendName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendName);
        BackendName = backendName;
    }

    /// <summary>The backend, for telemetry.</summary>
    public string BackendName { get; }

    /// <summary>
    /// Claims <paramref name="key"/> for <paramref name="lease"/> when it is free (never used, released, or its lease or
    /// retention ran out); otherwise reports the stored response, the running attempt, or a fingerprint mismatch.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="fingerprint">What identifies the request, for example a hash of its body; 1 to 512 characters.</param>
    /// <param name="lease">How long the claim holds without completion: how long a crashed attempt blocks retries.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The claim.</returns>
    /// <exception cref="ArgumentException">The key is the default value, or the fingerprint is empty or too long.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lease"/> is not positive.</exception>
    public ValueTask<IdempotencyClaim> TryClaimAsync(IdempotencyKey key, string fingerprint, TimeSpan lease, CancellationToken cancellationToken)
    {
        ThrowIfDefault(key);
        ThrowIfInvalidFingerprint(fingerprint);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        return TryClaimCoreAsync(key, fingerprint, lease, cancellationToken);
    }

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
    /// <exception cref="ArgumentException">The key is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="leaseToken"/> or <paramref name="retention"/> is not positive.</exception>
    public ValueTask<bool> CompleteAsync(IdempotencyKey key, long leaseToken, StoredResponse response, TimeSpan retention, CancellationToken cancellationToken)
    {
        ThrowIfDefault(key);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(leaseToken);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        return CompleteCoreAsync(key, leaseToken, response, retention, cancellationToken);
    }

    /// <summary>Frees the key when <paramref name="leaseToken"/> still holds its lease, so a retry runs the operation again.</summary>
    /// <param name="key">The key.</param>
    /// <param name="leaseToken">The token of the claim.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>A task that completes when the key is free (or was not the caller's to free).</returns>
    /// <exception cref="ArgumentException">The key is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="leaseToken"/> is not positive.</exception>
    public ValueTask ReleaseAsync(IdempotencyKey key, long leaseToken, CancellationToken cancellationToken)
    {
        ThrowIfDefault(key);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(leaseToken);
        cancellationToken.ThrowIfCancellationRequested();
        return ReleaseCoreAsync(key, leaseToken, cancellationToken);
    }

    /// <summary>Throws when <paramref name="fingerprint"/> is not 1 to <see cref="MaxFingerprintLength"/> characters.</summary>
    /// <param name="fingerprint">The fingerprint.</param>
    /// <param name="paramName">The caller's parameter name.</param>
    public static void ThrowIfInvalidFingerprint(string fingerprint, string paramName = "fingerprint")
    {
        ArgumentException.ThrowIfNullOrEmpty(fingerprint, paramName);
        if (fingerprint.Length > MaxFingerprintLength)
        {
            throw new ArgumentException($"The fingerprint must be at most {MaxFingerprintLength} characters long; it is {fingerprint.Length}.", paramName);
        }
    }

    /// <summary>Throws when <paramref name="key"/> is <see langword="default"/> (made without its constructor).</summary>
    /// <param name="key">The key.</param>
    /// <param name="paramName">The caller's parameter name.</param>
    public static void ThrowIfDefault(IdempotencyKey key, string paramName = "key")
    {
        if (key == default)
        {
            throw new ArgumentException("The idempotency key is empty; create it with its constructor.", paramName);
        }
    }

    /// <summary>The backend's claim; see <see cref="TryClaimAsync"/>. Arguments are valid.</summary>
    /// <param name="key">The key.</param>
    /// <param name="fingerprint">The fingerprint.</param>
    /// <param name="lease">The lease, positive.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The claim.</returns>
    protected abstract ValueTask<IdempotencyClaim> TryClaimCoreAsync(IdempotencyKey key, string fingerprint, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>The backend's completion; see <see cref="CompleteAsync"/>. Arguments are valid.</summary>
    /// <param name="key">The key.</param>
    /// <param name="leaseToken">The claim's token.</param>
    /// <param name="response">The response.</param>
    /// <param name="retention">The retention, positive.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>Whether the response was stored.</returns>
    protected abstract ValueTask<bool> CompleteCoreAsync(IdempotencyKey key, long leaseToken, StoredResponse response, TimeSpan retention, CancellationToken cancellationToken);

    /// <summary>The backend's release; see <see cref="ReleaseAsync"/>. Arguments are valid.</summary>
    /// <param name="key">The key.</param>
    /// <param name="leaseToken">The claim's token.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>A task that completes when done.</returns>
    protected abstract ValueTask ReleaseCoreAsync(IdempotencyKey key, long leaseToken, CancellationToken cancellationToken);
}
