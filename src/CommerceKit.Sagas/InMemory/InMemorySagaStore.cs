namespace CommerceKit.Sagas.InMemory;

/// <summary>
/// Sagas in this process's memory: the embedded default. They do not survive the process, so crash recovery only
/// matters between runners sharing the store inside one process (tests, several hosts in one process).
/// </summary>
internal sealed class InMemorySagaStore(TimeProvider timeProvider) : SagaStore("memory")
{
    private readonly Dictionary<string, Entry> _sagas = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public override ValueTask<SagaLease?> CreateAsync(SagaSnapshot saga, TimeSpan lease, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (_sagas.ContainsKey(saga.SagaId))
            {
                return ValueTask.FromResult<SagaLease?>(null);
            }

            var entry = new Entry(saga with { CreatedAt = now, UpdatedAt = now, AbortReason = null }, 1, now + lease);
            _sagas.Add(saga.SagaId, entry);
            return ValueTask.FromResult<SagaLease?>(new SagaLease(entry.Saga, entry.Token));
        }
    }

    public override ValueTask<SagaLease?> TryAcquireAsync(string sagaId, TimeSpan lease, bool includeParked, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = timeProvider.GetUtcNow();
        lock (_gate)
        {
            return ValueTask.FromResult(
                _sagas.TryGetValue(sagaId, out var entry) && (IsExpired(entry, now) || (includeParked && IsParked(entry.Saga)))
                    ? Acquire(entry, now + lease)
                    : null);
        }
    }

    public override ValueTask<IReadOnlyList<SagaLease>> ClaimExpiredAsync(int maxCount, TimeSpan lease, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = timeProvider.GetUtcNow();
        lock (_gate)
        {
            IReadOnlyList<SagaLease> claimed = [.. _sagas.Values
                .Where(entry => IsExpired(entry, now))
                .OrderBy(entry => entry.LeaseExpiresAt)
                .Take(maxCount)
                .ToList()
                .Select(entry => Acquire(entry, now + lease))];
            return ValueTask.FromResult(claimed);
        }
    }

    public override ValueTask<SagaSaveResult> SaveAsync(SagaSnapshot saga, long leaseToken, TimeSpan lease, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (!_sagas.TryGetValue(saga.SagaId, out var entry) || entry.Token != leaseToken)
            {
                return ValueTask.FromResult(new SagaSaveResult(false, null));
            }

            var stored = entry.Saga with
            {
                Status = saga.Status,
                CurrentStep = saga.CurrentStep,
                FailedStep = saga.FailedStep,
                Error = saga.Error,
                State = saga.State,
                Journal = saga.Journal,
                UpdatedAt = now,
            };
            _sagas[saga.SagaId] = entry with { Saga = stored, LeaseExpiresAt = stored.IsRunning ? now + lease : null };
            return ValueTask.FromResult(new SagaSaveResult(true, stored.AbortReason));
        }
    }

    public override ValueTask<IReadOnlyList<string>> RenewAsync(IReadOnlyList<(string SagaId, long Token)> leases, TimeSpan lease, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = timeProvider.GetUtcNow();
        var lost = new List<string>();
        lock (_gate)
        {
            foreach (var (sagaId, token) in leases)
            {
                if (_sagas.TryGetValue(sagaId, out var entry) && entry.Token == token && entry.Saga.IsRunning)
                {
                    _sagas[sagaId] = entry with { LeaseExpiresAt = now + lease };
                }
                else
                {
                    lost.Add(sagaId);
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(lost);
    }

    public override ValueTask<bool> RequestAbortAsync(string sagaId, string reason, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_sagas.TryGetValue(sagaId, out var entry) || entry.Saga.Status is SagaStatus.Completed or SagaStatus.Compensated)
            {
                return ValueTask.FromResult(false);
            }

            _sagas[sagaId] = entry with { Saga = entry.Saga with { AbortReason = entry.Saga.AbortReason ?? reason } };
            return ValueTask.FromResult(true);
        }
    }

    public override ValueTask<SagaSnapshot?> GetAsync(string sagaId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_sagas.TryGetValue(sagaId, out var entry) ? entry.Saga : null);
        }
    }

    public override ValueTask<IReadOnlyList<SagaSnapshot>> QueryAsync(SagaQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<SagaSnapshot> found = [.. _sagas.Values
                .Select(entry => entry.Saga)
                .Where(saga => (query.Status is null || saga.Status == query.Status)
                    && (query.SagaName is null || saga.SagaName == query.SagaName)
                    && (query.CurrentStep is null || saga.CurrentStep == query.CurrentStep)
                    && (query.NoProgressSince is null || saga.UpdatedAt < query.NoProgressSince))
                .OrderBy(saga => saga.UpdatedAt)
                .ThenBy(saga => saga.SagaId, StringComparer.Ordinal)
                .Take(query.MaxCount)];
            return ValueTask.FromResult(found);
        }
    }

    public override ValueTask<IReadOnlyDictionary<SagaStatus, long>> CountByStatusAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyDictionary<SagaStatus, long> counts = _sagas.Values
                .GroupBy(entry => entry.Saga.Status)
                .ToDictionary(group => group.Key, group => (long)group.Count());
            return ValueTask.FromResult(counts);
        }
    }

    private SagaLease Acquire(Entry entry, DateTimeOffset leaseExpiresAt)
    {
        var acquired = entry with { Token = entry.Token + 1, LeaseExpiresAt = leaseExpiresAt };
        _sagas[entry.Saga.SagaId] = acquired;
        return new SagaLease(acquired.Saga, acquired.Token);
    }

    private static bool IsExpired(Entry entry, DateTimeOffset now) => entry.Saga.IsRunning && entry.LeaseExpiresAt <= now;

    private static bool IsParked(SagaSnapshot saga) => saga.Status is SagaStatus.Parked or SagaStatus.CompensationFailed;

    private sealed record Entry(SagaSnapshot Saga, long Token, DateTimeOffset? LeaseExpiresAt);
}
