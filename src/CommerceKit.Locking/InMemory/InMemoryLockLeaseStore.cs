namespace CommerceKit.Locking.InMemory;

/// <summary>
/// Leases in this process's memory: locks shared by the tasks of one process, and the default backend for tests.
/// Fencing tokens come from one counter that starts at the current time in microseconds, so they keep growing
/// across restarts of the process as long as the clock does not go back.
/// </summary>
internal sealed class InMemoryLockLeaseStore : LockLeaseStore
{
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    private long _lastToken;

    public InMemoryLockLeaseStore(TimeProvider timeProvider)
        : base("memory")
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _lastToken = timeProvider.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
    }

    public override ValueTask<LeaseAttempt> TryAcquireAsync(string name, string owner, TimeSpan expiry, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        lock (_leases)
        {
            if (_leases.TryGetValue(name, out var held) && held.ExpiresAt > now)
            {
                _leases[name] = held with { WaitedFor = true };
                return ValueTask.FromResult(LeaseAttempt.Held(held.ExpiresAt - now));
            }

            _leases[name] = new Lease(owner, now + expiry);
            return ValueTask.FromResult(LeaseAttempt.Acquired(++_lastToken));
        }
    }

    public override ValueTask<bool> RenewAsync(string name, string owner, TimeSpan expiry, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        lock (_leases)
        {
            if (!IsHeldBy(name, owner, now))
            {
                return ValueTask.FromResult(false);
            }

            _leases[name] = _leases[name] with { ExpiresAt = now + expiry };
            return ValueTask.FromResult(true);
        }
    }

    public override ValueTask<bool> ReleaseAsync(string name, string owner, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_leases)
        {
            if (!_leases.TryGetValue(name, out var held) || held.Owner != owner)
            {
                return ValueTask.FromResult(false);
            }

            _leases.Remove(name);
            if (!held.WaitedFor)
            {
                return ValueTask.FromResult(true);
            }
        }

        NotifyReleased(name);
        return ValueTask.FromResult(true);
    }

    /// <summary>Drops a lease behind its holder's back, as an operator deleting a Redis key would (for tests).</summary>
    internal void Forget(string name)
    {
        lock (_leases)
        {
            _leases.Remove(name);
        }
    }

    // Releases that someone tried to take meanwhile are announced directly by ReleaseAsync.
    protected override Task StartReleaseNotificationsAsync() => Task.CompletedTask;

    private bool IsHeldBy(string name, string owner, DateTimeOffset now) =>
        _leases.TryGetValue(name, out var held) && held.Owner == owner && held.ExpiresAt > now;

    /// <param name="Owner">The holder's owner id.</param>
    /// <param name="ExpiresAt">When the lease runs out.</param>
    /// <param name="WaitedFor">Whether an attempt failed while this lease was held: only then is its release announced.</param>
    private readonly record struct Lease(string Owner, DateTimeOffset ExpiresAt, bool WaitedFor = false);
}
