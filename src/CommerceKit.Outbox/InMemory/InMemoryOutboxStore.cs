namespace CommerceKit.Outbox.InMemory;

/// <summary>
/// The outbox in this process's memory: a message is committed by the call that enqueues it, and dispatchers of this
/// process only see it. For tests, demos and single-instance applications whose events need not survive a restart.
/// </summary>
/// <param name="timeProvider">The clock.</param>
/// <param name="backendName">The backend name for telemetry; tests give theirs apart.</param>
internal sealed class InMemoryOutboxStore(TimeProvider timeProvider, string backendName = InMemoryOutboxStore.BackendName) : OutboxStore(backendName)
{
    public new const string BackendName = "memory";

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Entry> _entries = [];

    // Each key's unpublished messages (dead letters included) in enqueue order: the first is the key's head.
    private readonly Dictionary<string, List<Entry>> _pendingByKey = new(StringComparer.Ordinal);
    private readonly Queue<Entry> _published = new();
    private readonly List<Action> _subscribers = [];
    private long _sequence;

    public override ValueTask EnqueueAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (messages.FirstOrDefault(message => _entries.ContainsKey(message.Id)) is { } duplicate)
            {
                throw new ArgumentException($"A message with id {duplicate.Id} was enqueued already.", nameof(messages));
            }

            var now = timeProvider.GetUtcNow();
            foreach (var message in messages)
            {
                var entry = new Entry(message, ++_sequence, now);
                _entries.Add(message.Id, entry);
                if (!_pendingByKey.TryGetValue(entry.PartitionKey, out var pending))
                {
                    _pendingByKey.Add(entry.PartitionKey, pending = []);
                }

                pending.Add(entry);
            }
        }

        Wake();
        return ValueTask.CompletedTask;
    }

    public override ValueTask<IReadOnlyList<OutboxEnvelope>> ClaimAsync(OutboxClaim claim, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var claimed = new List<OutboxEnvelope>();
        lock (_gate)
        {
            var now = timeProvider.GetUtcNow();
            var heads = _pendingByKey.Values
                .Where(pending => pending[0].IsDue(now))
                .OrderBy(pending => pending[0].Sequence)
                .Take(claim.MaxKeys);
            foreach (var pending in heads)
            {
                foreach (var entry in pending.Take(claim.MaxMessagesPerKey).TakeWhile(entry => entry.IsDue(now)))
                {
                    entry.AvailableAt = now + claim.Lease;
                    entry.ClaimedBy = claim.DispatcherId;
                    claimed.Add(entry.ToEnvelope());
                }
            }
        }

        return new(claimed);
    }

    public override ValueTask MarkPublishedAsync(IReadOnlyList<Guid> messageIds, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var now = timeProvider.GetUtcNow();
            foreach (var id in messageIds)
            {
                if (_entries.TryGetValue(id, out var entry) && entry.PublishedAt is null && RemovePending(entry))
                {
                    entry.PublishedAt = now;
                    entry.ClaimedBy = null;
                    _published.Enqueue(entry);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask ReleaseAsync(string dispatcherId, IReadOnlyList<Guid> messageIds, CancellationToken cancellationToken) =>
        UpdateHeldAsync(dispatcherId, messageIds, (entry, now) => entry.AvailableAt = now, cancellationToken);

    public override ValueTask RetryLaterAsync(string dispatcherId, Guid messageId, TimeSpan delay, string error, CancellationToken cancellationToken) =>
        UpdateHeldAsync(dispatcherId, [messageId], (entry, now) =>
        {
            entry.Attempts++;
            entry.LastError = error;
            entry.AvailableAt = now + delay;
        }, cancellationToken);

    public override ValueTask DeadLetterAsync(string dispatcherId, Guid messageId, string error, CancellationToken cancellationToken) =>
        UpdateHeldAsync(dispatcherId, [messageId], (entry, now) =>
        {
            entry.Attempts++;
            entry.LastError = error;
            entry.DeadLetteredAt = now;
        }, cancellationToken);

    public override ValueTask<IReadOnlyList<OutboxDeadLetter>> GetDeadLettersAsync(int maxCount, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // A dead letter is always its key's head: nothing after it was published.
            IReadOnlyList<OutboxDeadLetter> deadLetters = [.. _pendingByKey.Values
                .Select(pending => pending[0])
                .Where(entry => entry.DeadLetteredAt is not null)
                .OrderBy(entry => entry.DeadLetteredAt).ThenBy(entry => entry.Sequence)
                .Take(maxCount)
                .Select(entry => new OutboxDeadLetter(entry.ToEnvelope(entry.Attempts), entry.LastError ?? "", entry.DeadLetteredAt!.Value))];
            return new(deadLetters);
        }
    }

    public override ValueTask<bool> RedriveAsync(Guid messageId, CancellationToken cancellationToken) =>
        UpdateDeadLetterAsync(messageId, (entry, now) =>
        {
            entry.DeadLetteredAt = null;
            entry.Attempts = 0;
            entry.AvailableAt = now;
            entry.ClaimedBy = null;
        }, cancellationToken);

    public override ValueTask<bool> PurgeAsync(Guid messageId, CancellationToken cancellationToken) =>
        UpdateDeadLetterAsync(messageId, (entry, _) =>
        {
            RemovePending(entry);
            _entries.Remove(entry.Id);
        }, cancellationToken);

    public override ValueTask<int> DeletePublishedAsync(TimeSpan age, int maxCount, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var deleted = 0;
        lock (_gate)
        {
            var cutoff = timeProvider.GetUtcNow() - age;
            while (deleted < maxCount && _published.TryPeek(out var entry) && entry.PublishedAt <= cutoff)
            {
                _published.Dequeue();
                _entries.Remove(entry.Id);
                deleted++;
            }
        }

        return new(deleted);
    }

    public override ValueTask<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var now = timeProvider.GetUtcNow();
            var pending = _pendingByKey.Values.Sum(entries => (long)entries.Count);
            var dead = _pendingByKey.Values.Count(entries => entries[0].DeadLetteredAt is not null);
            var oldest = _pendingByKey.Values.Select(entries => entries[0].EnqueuedAt).DefaultIfEmpty(now).Min();
            return new(new OutboxBacklog(pending, dead, now - oldest));
        }
    }

    public override IDisposable SubscribeToCommits(Action onCommitted)
    {
        lock (_gate)
        {
            _subscribers.Add(onCommitted);
        }

        return new Subscription(this, onCommitted);
    }

    private ValueTask UpdateHeldAsync(string dispatcherId, IReadOnlyList<Guid> messageIds, Action<Entry, DateTimeOffset> update, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var now = timeProvider.GetUtcNow();
            foreach (var id in messageIds)
            {
                if (_entries.TryGetValue(id, out var entry) && entry.ClaimedBy == dispatcherId && entry.PublishedAt is null && entry.DeadLetteredAt is null)
                {
                    entry.ClaimedBy = null;
                    update(entry, now);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask<bool> UpdateDeadLetterAsync(Guid messageId, Action<Entry, DateTimeOffset> update, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_entries.TryGetValue(messageId, out var entry) || entry.DeadLetteredAt is null)
            {
                return new(false);
            }

            update(entry, timeProvider.GetUtcNow());
        }

        Wake();
        return new(true);
    }

    private void Wake()
    {
        Action[] subscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber();
        }
    }

    private bool RemovePending(Entry entry)
    {
        if (!_pendingByKey.TryGetValue(entry.PartitionKey, out var pending) || !pending.Remove(entry))
        {
            return false;
        }

        if (pending.Count == 0)
        {
            _pendingByKey.Remove(entry.PartitionKey);
        }

        return true;
    }

    private sealed class Entry(OutboxMessage message, long sequence, DateTimeOffset enqueuedAt)
    {
        public Guid Id => message.Id;

        public string PartitionKey { get; } = message.PartitionKey ?? message.Id.ToString();

        public long Sequence => sequence;

        public DateTimeOffset EnqueuedAt => enqueuedAt;

        public DateTimeOffset AvailableAt { get; set; } = message.NotBefore ?? enqueuedAt;

        public string? ClaimedBy { get; set; }

        public int Attempts { get; set; }

        public string? LastError { get; set; }

        public DateTimeOffset? DeadLetteredAt { get; set; }

        public DateTimeOffset? PublishedAt { get; set; }

        public bool IsDue(DateTimeOffset now) => DeadLetteredAt is null && AvailableAt <= now;

        public OutboxEnvelope ToEnvelope(int? attempt = null) =>
            new(Id, message.Type, message.Payload, PartitionKey, message.Headers, enqueuedAt, attempt ?? Attempts + 1);
    }

    private sealed class Subscription(InMemoryOutboxStore store, Action onCommitted) : IDisposable
    {
        public void Dispose()
        {
            lock (store._gate)
            {
                store._subscribers.Remove(onCommitted);
            }
        }
    }
}
