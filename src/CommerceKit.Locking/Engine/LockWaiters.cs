namespace CommerceKit.Locking.Engine;

/// <summary>The callers of one provider waiting for locks, woken by the backend's release notifications.</summary>
internal sealed class LockWaiters
{
    private readonly Dictionary<string, List<LockWaiter>> _byName = new(StringComparer.Ordinal);

    public LockWaiters() => OnReleased = Signal;

    /// <summary>The listener handed to <see cref="LockLeaseStore.ListenForReleasesAsync"/>; one instance, so it is added once.</summary>
    public Action<string> OnReleased { get; }

    public LockWaiter Register(string name)
    {
        var waiter = new LockWaiter(name);
        lock (_byName)
        {
            if (!_byName.TryGetValue(name, out var waiters))
            {
                _byName[name] = waiters = [];
            }

            waiters.Add(waiter);
        }

        return waiter;
    }

    public void Unregister(LockWaiter waiter)
    {
        lock (_byName)
        {
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
}

/// <summary>One caller waiting for a lock.</summary>
internal sealed class LockWaiter(string name)
{
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name { get; } = name;

    public void Signal() => Volatile.Read(ref _released).TrySetResult();

    /// <summary>
    /// Forgets earlier signals. Called before each attempt: a release that happened before the attempt is seen by
    /// the attempt itself, and one that happens after it completes the next wait.
    /// </summary>
    public void Reset()
    {
        if (_released.Task.IsCompleted)
        {
            Volatile.Write(ref _released, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    /// <summary>Waits for a release signal or until <paramref name="timeout"/> passes, whichever comes first.</summary>
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
