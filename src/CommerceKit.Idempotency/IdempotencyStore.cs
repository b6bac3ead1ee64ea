namespace CommerceKit.Idempotency;

/// <summary>
/// A base for <see cref="IIdempotencyStore"/> backends: checks every argument, so a backend only sees valid keys,
/// fingerprints and durations, and names the backend for telemetry.
/// </summary>
public abstract class IdempotencyStore : IIdempotencyStore
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

    /// <inheritdoc />
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

    /// <inheritdoc />
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

    /// <inheritdoc />
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
