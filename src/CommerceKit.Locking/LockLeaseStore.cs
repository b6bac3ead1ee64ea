namespace CommerceKit.Locking;

/// <summary>
/// The port a lock backend implements: leases that expire on the backend's clock, compare-and-delete release,
/// fencing tokens that never go backwards, and release notifications that wake waiters. The engine behind
/// <see cref="IDistributedLockProvider"/> adds waiting, renewal, lost-lease detection and telemetry on top.
/// </summary>
/// <remarks>
/// Every method turns an outage into <see cref="BackendUnavailableException"/>. Names reach the store already
/// validated by <see cref="KeyGuard"/>; owners are opaque strings unique to one acquisition.
/// </remarks>
public abstract class LockLeaseStore
{
    private readonly Lock _gate = new();
    private Listener[] _listeners = [];
    private Task? _notificationsStarted;

    /// <summary>Creates the store.</summary>
    /// <param name="backendName">The backend, for telemetry: <c>memory</c>, <c>redis</c>, <c>postgresql</c>.</param>
    protected LockLeaseStore(string backendName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendName);
        BackendName = backendName;
    }

    /// <summary>The backend, for telemetry.</summary>
    public string BackendName { get; }

    /// <summary>
    /// Takes the lease of <paramref name="name"/> for <paramref name="owner"/> when nobody holds it (or the holder's
    /// lease expired), handing out the next fencing token; otherwise reports how long the holder's lease has left, and
    /// remembers that the lease was waited for, so that its release is announced.
    /// </summary>
    /// <param name="name">The lock name.</param>
    /// <param name="owner">The acquisition's unique owner id.</param>
    /// <param name="expiry">How long the lease lives without renewal.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The outcome.</returns>
    public abstract ValueTask<LeaseAttempt> TryAcquireAsync(string name, string owner, TimeSpan expiry, CancellationToken cancellationToken);

    /// <summary>
    /// The attempt of a caller that waits: like <see cref="TryAcquireAsync"/>, but a store that can hand leases over
    /// also queues <paramref name="owner"/> when the lease is held, and answers <see cref="LeaseAttempt.Queued"/>.
    /// A release then gives the lease straight to the oldest queued owner (for <paramref name="handOffLease"/>, which
    /// its holder extends at once) and announces it through <see cref="NotifyHandedOff"/>, which saves the waiter the
    /// round trip of trying again. An owner handed the lease that asks again gets it, with a newer token. The default
    /// queues nothing.
    /// </summary>
    /// <param name="name">The lock name.</param>
    /// <param name="owner">The waiter's owner id, the same for every attempt of one wait.</param>
    /// <param name="expiry">How long the lease lives without renewal when taken by this attempt.</param>
    /// <param name="queueFor">How long the place in the queue lasts unless an attempt renews it: a waiter that crashed drops out after this.</param>
    /// <param name="handOffLease">How long a lease handed to this owner lives before its holder renews it: a waiter that crashed after being queued blocks the lock no longer than this.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns>The outcome.</returns>
    public virtual ValueTask<LeaseAttempt> TryAcquireOrQueueAsync(
        string name, string owner, TimeSpan expiry, TimeSpan queueFor, TimeSpan handOffLease, CancellationToken cancellationToken) =>
        TryAcquireAsync(name, owner, expiry, cancellationToken);

    /// <summary>Extends the lease when <paramref name="owner"/> still holds it.</summary>
    /// <param name="name">The lock name.</param>
    /// <param name="owner">The owner id the lease was taken with.</param>
    /// <param name="expiry">The new lifetime, from now on the backend's clock.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns><see langword="false"/> when the lease is gone or held by another owner.</returns>
    public abstract ValueTask<bool> RenewAsync(string name, string owner, TimeSpan expiry, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the lease only when <paramref name="owner"/> holds it, and notifies waiters when an attempt to take it
    /// failed while it was held. A release nobody waited for is not announced: every listening instance would hear it.
    /// A store that queues waiters also drops <paramref name="owner"/>'s place in the queue, and hands a released lease
    /// to the oldest owner still queued instead of freeing it.
    /// </summary>
    /// <param name="name">The lock name.</param>
    /// <param name="owner">The owner id the lease was taken with.</param>
    /// <param name="cancellationToken">Cancels before the request is sent.</param>
    /// <returns><see langword="false"/> when the lease was already gone or held by another owner.</returns>
    public abstract ValueTask<bool> ReleaseAsync(string name, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Adds listeners told the name of every lock released through this backend (by any instance) and the owner of
    /// every lease handed over to a queued waiter, and makes sure the notifications flow. Adding the same
    /// <paramref name="onReleased"/> again does nothing.
    /// </summary>
    /// <param name="onReleased">Called with the released lock's name; must be quick and must not throw.</param>
    /// <param name="onHandedOff">Called with the owner a lease was handed to and its fencing token; must be quick and must not throw.</param>
    /// <param name="cancellationToken">Cancels waiting for the subscription.</param>
    /// <returns>A task that completes when notifications flow.</returns>
    /// <exception cref="BackendUnavailableException">The subscription could not be made now; a later call tries again.</exception>
    public Task ListenForReleasesAsync(Action<string> onReleased, Action<string, long>? onHandedOff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onReleased);
        Task started;
        lock (_gate)
        {
            if (Array.FindIndex(_listeners, listener => listener.OnReleased == onReleased) < 0)
            {
                _listeners = [.. _listeners, new Listener(onReleased, onHandedOff)];
            }

            // A failed start is forgotten, so the next waiter tries to subscribe again.
            if (_notificationsStarted is null || _notificationsStarted.IsFaulted || _notificationsStarted.IsCanceled)
            {
                _notificationsStarted = StartReleaseNotificationsAsync();
            }

            started = _notificationsStarted;
        }

        return started.WaitAsync(cancellationToken);
    }

    /// <summary>Starts delivering release notifications to <see cref="NotifyReleased"/>; called until it succeeds once.</summary>
    /// <returns>A task that completes when notifications flow.</returns>
    protected abstract Task StartReleaseNotificationsAsync();

    /// <summary>Tells every listener that the lock called <paramref name="name"/> was released.</summary>
    /// <param name="name">The released lock's name.</param>
    protected void NotifyReleased(string name)
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            listener.OnReleased(name);
        }
    }

    /// <summary>Tells every listener that a release handed a lease to the queued <paramref name="owner"/>.</summary>
    /// <param name="owner">The owner id the waiter queued with.</param>
    /// <param name="fencingToken">The handed-over lease's fencing token.</param>
    protected void NotifyHandedOff(string owner, long fencingToken)
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            listener.OnHandedOff?.Invoke(owner, fencingToken);
        }
    }

    private sealed record Listener(Action<string> OnReleased, Action<string, long>? OnHandedOff);
}
