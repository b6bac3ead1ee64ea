namespace CommerceKit.Idempotency.InMemory;

/// <summary>
/// Records in this process's memory, on <see cref="TimeProvider"/>: idempotency for one instance, and the default
/// backend for tests. Expired records are swept at most once a minute, by the claims that run then.
/// </summary>
internal sealed class InMemoryIdempotencyStore : IdempotencyStore
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private readonly Dictionary<IdempotencyKey, Entry> _entries = [];
    private long _lastToken;
    private DateTimeOffset _nextSweep;

    public InMemoryIdempotencyStore(TimeProvider timeProvider)
        : base("memory")
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _nextSweep = timeProvider.GetUtcNow() + SweepInterval;
    }

    /// <summary>How many records are kept, expired ones included until the next sweep.</summary>
    internal int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    protected override ValueTask<IdempotencyClaim> TryClaimCoreAsync(IdempotencyKey key, string fingerprint, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            SweepIfDue(now);
            if (_entries.TryGetValue(key, out var entry) && entry.ExpiresAt > now)
            {
                return ValueTask.FromResult(
                    entry.Fingerprint != fingerprint ? IdempotencyClaim.FingerprintMismatch()
                    : entry.Response is { } response ? IdempotencyClaim.Completed(response)
                    : IdempotencyClaim.InProgress(entry.ExpiresAt - now));
            }

            var token = ++_lastToken;
            _entries[key] = new Entry(fingerprint, token, null, now + lease);
            return ValueTask.FromResult(IdempotencyClaim.Claimed(token));
        }
    }

    protected override ValueTask<bool> CompleteCoreAsync(IdempotencyKey key, long leaseToken, StoredResponse response, TimeSpan retention, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (!IsLeasedTo(key, leaseToken, now, out var entry))
            {
                return ValueTask.FromResult(false);
            }

            _entries[key] = entry with { Response = response, ExpiresAt = now + retention };
            return ValueTask.FromResult(true);
        }
    }

    protected override ValueTask ReleaseCoreAsync(IdempotencyKey key, long leaseToken, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (IsLeasedTo(key, leaseToken, now, out _))
            {
                _entries.Remove(key);
            }
        }

        return ValueTask.CompletedTask;
    }

    // A lease that ran out is nobody's, as on Redis (where the record is gone by then) and PostgreSQL.
    private bool IsLeasedTo(IdempotencyKey key, long leaseToken, DateTimeOffset now, out Entry entry) =>
        _entries.TryGetValue(key, out entry!) && entry.LeaseToken == leaseToken && entry.Response is null && entry.ExpiresAt > now;

    private void SweepIfDue(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + SweepInterval;
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= now)
            {
                _entries.Remove(key);
            }
        }
    }

    private sealed record Entry(string Fingerprint, long LeaseToken, StoredResponse? Response, DateTimeOffset ExpiresAt);
}
