namespace CommerceKit.Outbox;

/// <summary>
/// The port each outbox backend implements: committed messages, claimed by dispatchers with a lease, marked
/// published, retried later or dead-lettered. The dispatcher (the engine) calls it with valid arguments.
/// </summary>
/// <remarks>
/// <para>What every backend guarantees (the conformance suite checks it):</para>
/// <list type="bullet">
/// <item>A claim takes, for each of at most <see cref="OutboxClaim.MaxKeys"/> keys, the key's earliest unpublished
/// messages in enqueue order, and only when none of the key's earlier messages is claimed by anyone, waiting for a
/// retry, not yet due, or dead-lettered. So messages of one key are published in order, one dispatcher at a time.</item>
/// <item>A claimed message is the dispatcher's until its lease runs out on the backend's clock; afterwards any
/// dispatcher may claim it again (at least once).</item>
/// <item>An outage is <see cref="BackendUnavailableException"/>.</item>
/// </list>
/// </remarks>
public abstract class OutboxStore
{
    /// <summary>Creates the store.</summary>
    /// <param name="backendName">The backend, for telemetry: <c>memory</c>, <c>postgresql</c>.</param>
    protected OutboxStore(string backendName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendName);
        BackendName = backendName;
    }

    /// <summary>The backend, for telemetry.</summary>
    public string BackendName { get; }

    /// <summary>Commits <paramref name="messages"/> in one transaction of the store's own; a message without a partition key is keyed by its id.</summary>
    /// <param name="messages">Valid messages, at least one.</param>
    /// <param name="cancellationToken">Cancels before the messages are sent.</param>
    /// <returns>A task that completes when they are committed.</returns>
    public abstract ValueTask EnqueueAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);

    /// <summary>Claims messages to publish (see the remarks), in enqueue order within each key.</summary>
    /// <param name="claim">Who claims, how many and for how long.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The claimed messages; empty when none is due.</returns>
    public abstract ValueTask<IReadOnlyList<OutboxEnvelope>> ClaimAsync(OutboxClaim claim, CancellationToken cancellationToken);

    /// <summary>Marks messages published (whoever holds them now: they were published).</summary>
    /// <param name="messageIds">The published messages.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>A task that completes when they are marked.</returns>
    public abstract ValueTask MarkPublishedAsync(IReadOnlyList<Guid> messageIds, CancellationToken cancellationToken);

    /// <summary>Hands claimed messages back unpublished, due at once, if <paramref name="dispatcherId"/> still holds them.</summary>
    /// <param name="dispatcherId">The dispatcher that claimed them.</param>
    /// <param name="messageIds">The messages.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>A task that completes when they are handed back.</returns>
    public abstract ValueTask ReleaseAsync(string dispatcherId, IReadOnlyList<Guid> messageIds, CancellationToken cancellationToken);

    /// <summary>
    /// Records a failed attempt of a message <paramref name="dispatcherId"/> holds: it counts the attempt, keeps
    /// <paramref name="error"/>, and makes the message due again after <paramref name="delay"/> (its key waits meanwhile).
    /// </summary>
    /// <param name="dispatcherId">The dispatcher that claimed it.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="delay">How long until the next attempt.</param>
    /// <param name="error">What failed.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>A task that completes when the failure is recorded.</returns>
    public abstract ValueTask RetryLaterAsync(string dispatcherId, Guid messageId, TimeSpan delay, string error, CancellationToken cancellationToken);

    /// <summary>Dead-letters a message <paramref name="dispatcherId"/> holds, with its last error; its key waits until it is re-driven or purged.</summary>
    /// <param name="dispatcherId">The dispatcher that claimed it.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="error">What failed last.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>A task that completes when the message is dead-lettered.</returns>
    public abstract ValueTask DeadLetterAsync(string dispatcherId, Guid messageId, string error, CancellationToken cancellationToken);

    /// <summary>Lists dead letters, oldest first.</summary>
    /// <param name="maxCount">At most this many.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The dead letters.</returns>
    public abstract ValueTask<IReadOnlyList<OutboxDeadLetter>> GetDeadLettersAsync(int maxCount, CancellationToken cancellationToken);

    /// <summary>Makes a dead letter due at once, from attempt 1.</summary>
    /// <param name="messageId">The dead letter.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns><see langword="false"/> when no dead letter has that id.</returns>
    public abstract ValueTask<bool> RedriveAsync(Guid messageId, CancellationToken cancellationToken);

    /// <summary>Deletes a dead letter.</summary>
    /// <param name="messageId">The dead letter.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns><see langword="false"/> when no dead letter has that id.</returns>
    public abstract ValueTask<bool> PurgeAsync(Guid messageId, CancellationToken cancellationToken);

    /// <summary>Deletes at most <paramref name="maxCount"/> messages published longer than <paramref name="age"/> ago.</summary>
    /// <param name="age">How long a published message is kept.</param>
    /// <param name="maxCount">At most this many in one statement.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>How many were deleted.</returns>
    public abstract ValueTask<int> DeletePublishedAsync(TimeSpan age, int maxCount, CancellationToken cancellationToken);

    /// <summary>Counts the unpublished messages and the age of the oldest.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The backlog.</returns>
    public abstract ValueTask<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="onCommitted"/> soon after any instance commits messages, so dispatchers wake without
    /// polling. The default tells nothing: dispatchers then find messages by polling.
    /// </summary>
    /// <param name="onCommitted">Wakes a dispatcher; cheap and safe to call from any thread.</param>
    /// <returns>Ends the subscription when disposed.</returns>
    public virtual IDisposable SubscribeToCommits(Action onCommitted) => NoSubscription.Instance;

    private sealed class NoSubscription : IDisposable
    {
        public static readonly NoSubscription Instance = new();

        public void Dispose()
        {
        }
    }
}
