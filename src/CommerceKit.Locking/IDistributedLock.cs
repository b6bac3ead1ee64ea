namespace CommerceKit.Locking;

/// <summary>
/// A named mutual-exclusion lock shared by every instance of an application. It is not reentrant: acquiring it
/// again while holding it waits like any other caller.
/// </summary>
public interface IDistributedLock
{
    /// <summary>The lock's name.</summary>
    string Name { get; }

    /// <summary>Acquires the lock, waiting at most <paramref name="timeout"/>.</summary>
    /// <param name="timeout">
    /// How long to wait for a holder to release: <see cref="TimeSpan.Zero"/> (the default) makes exactly one attempt,
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits without limit.
    /// </param>
    /// <param name="cancellationToken">Stops waiting; an attempt already sent to the backend completes first.</param>
    /// <returns>The handle, or <see langword="null"/> when another holder kept the lock for the whole timeout.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite).</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached; nothing is left held.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled while waiting.</exception>
    ValueTask<ILockHandle?> TryAcquireAsync(TimeSpan timeout = default, CancellationToken cancellationToken = default);

    /// <summary>Acquires the lock, waiting at most <paramref name="timeout"/>, and throws when it could not.</summary>
    /// <param name="timeout">How long to wait; <see langword="null"/> (the default) waits without limit.</param>
    /// <param name="cancellationToken">Stops waiting; an attempt already sent to the backend completes first.</param>
    /// <returns>The handle.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite).</exception>
    /// <exception cref="TimeoutException">Another holder kept the lock for the whole timeout.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached; nothing is left held.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled while waiting.</exception>
    ValueTask<ILockHandle> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);
}
