namespace CommerceKit.Locking.Engine;

/// <summary>The callers of one provider waiting for locks, woken by the backend's release and hand-off notifications.</summary>
internal sealed class LockWaiters
{
    private readonly Dictionary<string, List<LockWaiter>> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LockWaiter> _byOwner = new(StringComparer.Ordinal);

    public LockWaiters()
    {
        OnReleased = Signal;
        OnHandedOff = HandOff;
    }

    /// <summary>The release listener handed to <see cref="LockLeaseStore.ListenForReleasesAsync"/>; one instance, so it is added once.</summary>
    public Action<string> OnReleased { get; }

    /// <summary>The hand-off listener handed to <see cref="LockLeaseStore.ListenForReleasesAsync"/>.</summary>
    public Action<string, long> OnHandedOff { get; }

    public LockWaiter Register(string name, string owner)
    {
        var waiter = new LockWaiter(name, owner);
        lock (_byName)
        {
            if (!_byName.TryGetValue(name, out var waiters))
            {
                _byName[name] = waiters = [];
            }

            waiters.Add(waiter);
            _byOwner[owner] = waiter;
        }

        return waiter;
    }

    public void Unregister(LockWaiter waiter)
    {
        lock (_byName)
        {
            _byOwner.Remove(waiter.Owner);
            if (_byName.TryGetValue(waiter.Name, out var waiters) && waiters.Remove(waiter) && waiters.Count == 0)
            {
                _byName.Remove(waiter.Name);
            }
        }
    }

    private void Signal(string name)
    {
        lock (_byName)
        {
            if (_byName.TryGetValue(name, out var waiters))
            {
                foreach (var waiter in waiters)
                {
                    waiter.Signal();
                }
            }
        }
    }

    private void HandOff(string owner, long fencingToken)
    {
        LockWaiter? waiter;
        lock (_byName)
        {
            _byOwner.TryGetValue(owner, out waiter);
        }

        waiter?.HandOff(fencingToken);
    }
}

/// <summary>One caller waiting for a lock, under one owner id for the whole wait.</summary>
internal sealed class LockWaiter(string name, string owner)
{
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _handedOffToken;

    public string Name { get; } = name;

    public string Owner { get; } = owner;

    /// <summary>The fencing token of a lease a release handed to this waiter; 0 until then.</summary>
    public long HandedOffToken => Interlocked.Read(ref _handedOffToken);

    public void Signal() => Volatile.Read(ref _released).TrySetResult();

    public void HandOff(long fencingToken)
    {
        Interlocked.Exchange(ref _handedOffToken, fencingToken);
        Signal();
    }

    /// <summary>
    /// Forgets earlier release signals (not a hand-off). Called before each attempt: a release that happened before
    /// the attempt is seen by the attempt itself, and one that happens after it completes the next wait.
    /// </summary>
    public void Reset()
    {
        if (_released.Task.IsCompleted)
        {
            Volatile.Write(ref _released, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    /// <summary>Waits for a release or hand-off signal or until <paramref name="timeout"/> passes, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref _released).Task.WaitAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // No release was announced in time: the caller checks the lock anyway (a notification may have been lost).
        }
    }
}
