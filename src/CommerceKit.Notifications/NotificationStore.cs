namespace CommerceKit.Notifications;

/// <summary>
/// The port each notification backend implements: the queue of accepted notifications (claimed with a lease, due
/// first, per category), their delivery log, and dead letters. The engine calls it with valid arguments.
/// </summary>
/// <remarks>
/// <para>What every backend guarantees (the conformance suite checks it):</para>
/// <list type="bullet">
/// <item>A claim takes pending notifications of one category that are due and not leased, earliest due first, and
/// leases them on the backend's clock; a claimed notification is claimed again only after its lease runs out.</item>
/// <item>An accepted notification is kept until it is sent or dead-lettered: never dropped.</item>
/// <item>An outage is <see cref="BackendUnavailableException"/>.</item>
/// </list>
/// </remarks>
public abstract class NotificationStore
{
    /// <summary>Creates the store.</summary>
    /// <param name="backendName">The backend, for telemetry: <c>memory</c>, <c>postgresql</c>.</param>
    protected NotificationStore(string backendName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendName);
        BackendName = backendName;
    }

    /// <summary>The backend, for telemetry.</summary>
    public string BackendName { get; }

    /// <summary>Keeps an accepted notification, pending until it is due.</summary>
    /// <param name="notification">The notification.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when it is kept.</returns>
    public abstract ValueTask EnqueueAsync(QueuedNotification notification, CancellationToken cancellationToken);

    /// <summary>Claims due, pending, unleased notifications of <paramref name="category"/>, earliest due first.</summary>
    /// <param name="category">The queue.</param>
    /// <param name="maxCount">At most this many.</param>
    /// <param name="lease">How long the claim lasts.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The claimed notifications.</returns>
    public abstract ValueTask<IReadOnlyList<QueuedNotification>> ClaimDueAsync(NotificationCategory category, int maxCount, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Records the end of a send: sent (by <paramref name="sentBy"/>) or dead-lettered, with the attempts made.</summary>
    /// <param name="notificationId">The notification.</param>
    /// <param name="state"><see cref="NotificationState.Sent"/> or <see cref="NotificationState.DeadLettered"/>.</param>
    /// <param name="sentBy">The provider that sent it.</param>
    /// <param name="providerMessageId">The provider's id for it.</param>
    /// <param name="attempts">The attempts of this send, appended to the delivery log.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when it is recorded.</returns>
    public abstract ValueTask CompleteAsync(
        string notificationId, NotificationState state, string? sentBy, string? providerMessageId, IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken);

    /// <summary>Reads a notification.</summary>
    /// <param name="notificationId">The notification.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Its status; <see langword="null"/> when unknown.</returns>
    public abstract ValueTask<NotificationStatus?> GetAsync(string notificationId, CancellationToken cancellationToken);

    /// <summary>Records a receipt for a sent (or already receipted) notification.</summary>
    /// <param name="notificationId">The notification.</param>
    /// <param name="receipt">Delivered or bounced.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="false"/> when no sent notification has that id.</returns>
    public abstract ValueTask<bool> ReportReceiptAsync(string notificationId, DeliveryReceipt receipt, CancellationToken cancellationToken);

    /// <summary>Lists dead letters, oldest first.</summary>
    /// <param name="maxCount">At most this many.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The dead letters.</returns>
    public abstract ValueTask<IReadOnlyList<NotificationStatus>> GetDeadLettersAsync(int maxCount, CancellationToken cancellationToken);

    /// <summary>Makes a dead letter pending and due at once.</summary>
    /// <param name="notificationId">The dead letter.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="false"/> when no dead letter has that id.</returns>
    public abstract ValueTask<bool> RedriveAsync(string notificationId, CancellationToken cancellationToken);

    /// <summary>Counts pending notifications of a category (due or held).</summary>
    /// <param name="category">The queue.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>How many are pending.</returns>
    public abstract ValueTask<long> CountPendingAsync(NotificationCategory category, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps a promotional notification in its digest window until the window closes, unless the window has ended on
    /// the backend's clock (checked in the same statement as the write): then nothing is kept.
    /// </summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="false"/> when the window has ended: the caller puts the item in a later one.</returns>
    public abstract ValueTask<bool> AddToDigestAsync(DigestItem item, CancellationToken cancellationToken);

    /// <summary>Reads digest windows that ended at least <paramref name="grace"/> ago on the backend's clock and still hold items.</summary>
    /// <param name="maxCount">At most this many windows.</param>
    /// <param name="grace">How long after its end a window is closed, so that a write still running as it ended is in it.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The windows, each with its items in acceptance order.</returns>
    public abstract ValueTask<IReadOnlyList<DigestWindow>> GetDueDigestsAsync(int maxCount, TimeSpan grace, CancellationToken cancellationToken);

    /// <summary>
    /// Closes a window into one notification, all or nothing: removes exactly <paramref name="window"/>'s items and
    /// keeps <paramref name="digest"/> pending, or, when any of those items is gone already (another instance closed the
    /// window), changes nothing. So each window is closed by one writer, and no item is lost or sent twice.
    /// </summary>
    /// <param name="window">The window as read.</param>
    /// <param name="digest">The notification made of its items.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether this call closed the window.</returns>
    public abstract ValueTask<bool> CloseDigestAsync(DigestWindow window, QueuedNotification digest, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="onEnqueued"/> soon after any instance accepts a notification, so senders wake without
    /// polling. The default tells nothing: senders then poll.
    /// </summary>
    /// <param name="onEnqueued">Wakes a sender; cheap and safe to call from any thread.</param>
    /// <returns>Ends the subscription when disposed.</returns>
    public virtual IDisposable SubscribeToEnqueues(Action onEnqueued) => NoSubscription.Instance;

    private sealed class NoSubscription : IDisposable
    {
        public static readonly NoSubscription Instance = new();

        public void Dispose()
        {
        }
    }
}
