namespace CommerceKit.Notifications.InMemory;

/// <summary>
/// Notifications in this process's memory: the embedded default. Accepted notifications do not survive the process.
/// Each category is a queue ordered by due time; a claim moves a notification to the leased set until it completes or
/// its lease runs out.
/// </summary>
internal sealed class InMemoryNotificationStore(TimeProvider timeProvider) : NotificationStore("memory")
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Stored> _notifications = new(StringComparer.Ordinal);
    private readonly Dictionary<NotificationCategory, PriorityQueue<Stored, (DateTimeOffset DueAt, long Sequence)>> _due = new()
    {
        [NotificationCategory.Transactional] = new(),
        [NotificationCategory.Promotional] = new(),
    };

    private readonly PriorityQueue<Stored, DateTimeOffset> _leases = new();
    private readonly Dictionary<(string RecipientId, string DigestKey, DateTimeOffset WindowEnd), List<DigestItem>> _digests = [];
    private readonly List<Action> _subscribers = [];
    private long _sequence;

    public override ValueTask EnqueueAsync(QueuedNotification notification, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Action[] subscribers;
        lock (_gate)
        {
            var stored = new Stored(notification, timeProvider.GetUtcNow());
            _notifications.Add(notification.NotificationId, stored);
            Queue(stored, notification.DueAt);
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber();
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask<IReadOnlyList<QueuedNotification>> ClaimDueAsync(NotificationCategory category, int maxCount, TimeSpan lease, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = timeProvider.GetUtcNow();
        var claimed = new List<QueuedNotification>();
        lock (_gate)
        {
            // Leases that ran out put their notifications back in their queues first.
            while (_leases.TryPeek(out var leased, out var expiry) && expiry <= now)
            {
                _leases.Dequeue();
                if (leased.State == NotificationState.Pending && leased.LeaseExpiresAt == expiry)
                {
                    leased.LeaseExpiresAt = null;
                    Queue(leased, leased.Notification.DueAt);
                }
            }

            var queue = _due[category];
            while (claimed.Count < maxCount && queue.TryPeek(out var next, out var due) && due.DueAt <= now)
            {
                queue.Dequeue();
                if (next.State != NotificationState.Pending || next.LeaseExpiresAt is not null || next.QueuedSequence != due.Sequence)
                {
                    continue;
                }

                next.LeaseExpiresAt = now + lease;
                _leases.Enqueue(next, next.LeaseExpiresAt.Value);
                claimed.Add(next.Notification);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<QueuedNotification>>(claimed);
    }

    public override ValueTask CompleteAsync(
        string notificationId, NotificationState state, string? sentBy, string? providerMessageId, IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_notifications.TryGetValue(notificationId, out var stored) && stored.State == NotificationState.Pending)
            {
                stored.State = state;
                stored.SentBy = sentBy;
                stored.ProviderMessageId = providerMessageId;
                stored.Attempts.AddRange(attempts);
                stored.LeaseExpiresAt = null;
                stored.EndedAt = timeProvider.GetUtcNow();
            }
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask<NotificationStatus?> GetAsync(string notificationId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_notifications.TryGetValue(notificationId, out var stored) ? stored.ToStatus() : null);
        }
    }

    public override ValueTask<bool> ReportReceiptAsync(string notificationId, DeliveryReceipt receipt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_notifications.TryGetValue(notificationId, out var stored)
                || stored.State is not (NotificationState.Sent or NotificationState.Delivered or NotificationState.Bounced))
            {
                return ValueTask.FromResult(false);
            }

            stored.State = receipt == DeliveryReceipt.Delivered ? NotificationState.Delivered : NotificationState.Bounced;
            return ValueTask.FromResult(true);
        }
    }

    public override ValueTask<IReadOnlyList<NotificationStatus>> GetDeadLettersAsync(int maxCount, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<NotificationStatus> dead = [.. _notifications.Values
                .Where(stored => stored.State == NotificationState.DeadLettered)
                .OrderBy(stored => stored.EndedAt)
                .Take(maxCount)
                .Select(stored => stored.ToStatus())];
            return ValueTask.FromResult(dead);
        }
    }

    public override ValueTask<bool> RedriveAsync(string notificationId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_notifications.TryGetValue(notificationId, out var stored) || stored.State != NotificationState.DeadLettered)
            {
                return ValueTask.FromResult(false);
            }

            stored.State = NotificationState.Pending;
            stored.Notification = stored.Notification with { DueAt = timeProvider.GetUtcNow() };
            Queue(stored, stored.Notification.DueAt);
            return ValueTask.FromResult(true);
        }
    }

    public override ValueTask<long> CountPendingAsync(NotificationCategory category, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult((long)_notifications.Values.Count(stored => stored.State == NotificationState.Pending && stored.Notification.Category == category));
        }
    }

    public override ValueTask<bool> AddToDigestAsync(DigestItem item, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (item.WindowEnd <= timeProvider.GetUtcNow())
            {
                return ValueTask.FromResult(false);
            }

            var key = (item.RecipientId, item.DigestKey, item.WindowEnd);
            if (!_digests.TryGetValue(key, out var items))
            {
                _digests[key] = items = [];
            }

            items.Add(item);
        }

        return ValueTask.FromResult(true);
    }

    public override ValueTask<IReadOnlyList<DigestWindow>> GetDueDigestsAsync(int maxCount, TimeSpan grace, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = timeProvider.GetUtcNow() - grace;
        lock (_gate)
        {
            IReadOnlyList<DigestWindow> due = [.. _digests
                .Where(entry => entry.Key.WindowEnd <= now && entry.Value.Count > 0)
                .OrderBy(entry => entry.Key.WindowEnd)
                .Take(maxCount)
                .Select(entry => new DigestWindow(entry.Key.RecipientId, entry.Key.DigestKey, entry.Key.WindowEnd, [.. entry.Value]))];
            return ValueTask.FromResult(due);
        }
    }

    public override async ValueTask<bool> CloseDigestAsync(DigestWindow window, QueuedNotification digest, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var key = (window.RecipientId, window.DigestKey, window.WindowEnd);
            var ids = window.Items.Select(item => item.ItemId).ToHashSet(StringComparer.Ordinal);
            if (!_digests.TryGetValue(key, out var items) || items.Count(item => ids.Contains(item.ItemId)) != ids.Count || _notifications.ContainsKey(digest.NotificationId))
            {
                return false;
            }

            items.RemoveAll(item => ids.Contains(item.ItemId));
            if (items.Count == 0)
            {
                _digests.Remove(key);
            }
        }

        await EnqueueAsync(digest, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public override IDisposable SubscribeToEnqueues(Action onEnqueued)
    {
        lock (_gate)
        {
            _subscribers.Add(onEnqueued);
        }

        return new Subscription(this, onEnqueued);
    }

    private void Queue(Stored stored, DateTimeOffset dueAt)
    {
        stored.QueuedSequence = ++_sequence;
        _due[stored.Notification.Category].Enqueue(stored, (dueAt, stored.QueuedSequence));
    }

    private sealed class Stored(QueuedNotification notification, DateTimeOffset acceptedAt)
    {
        public QueuedNotification Notification { get; set; } = notification;

        public NotificationState State { get; set; } = NotificationState.Pending;

        public DateTimeOffset? LeaseExpiresAt { get; set; }

        public long QueuedSequence { get; set; }

        public string? SentBy { get; set; }

        public string? ProviderMessageId { get; set; }

        public DateTimeOffset? EndedAt { get; set; }

        public List<DeliveryAttempt> Attempts { get; } = [];

        public NotificationStatus ToStatus() => new()
        {
            NotificationId = Notification.NotificationId,
            RecipientId = Notification.RecipientId,
            Category = Notification.Category,
            State = State,
            AcceptedAt = acceptedAt,
            DueAt = Notification.DueAt,
            SentBy = SentBy,
            ProviderMessageId = ProviderMessageId,
            Attempts = [.. Attempts],
        };
    }

    private sealed class Subscription(InMemoryNotificationStore store, Action onEnqueued) : IDisposable
    {
        public void Dispose()
        {
            lock (store._gate)
            {
                store._subscribers.Remove(onEnqueued);
            }
        }
    }
}
