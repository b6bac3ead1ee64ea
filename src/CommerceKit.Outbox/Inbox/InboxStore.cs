namespace CommerceKit.Outbox;

/// <summary>
/// The port each inbox backend implements: which message ids each consumer has processed, recorded atomically with the
/// handler's success. <see cref="IInbox"/> calls it with valid arguments.
/// </summary>
public abstract class InboxStore
{
    /// <summary>Creates the store.</summary>
    /// <param name="backendName">The backend, for telemetry: <c>memory</c>, <c>postgresql</c>.</param>
    protected InboxStore(string backendName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendName);
        BackendName = backendName;
    }

    /// <summary>The backend, for telemetry.</summary>
    public string BackendName { get; }

    /// <summary>
    /// Runs <paramref name="handler"/> and records (<paramref name="consumer"/>, <paramref name="messageId"/>) if it was
    /// not recorded before, both or neither; a concurrent call for the same pair waits for the first.
    /// </summary>
    /// <param name="consumer">A valid consumer name.</param>
    /// <param name="messageId">A non-empty message id.</param>
    /// <param name="handler">The work.</param>
    /// <param name="cancellationToken">Cancels the wait; passed to the handler.</param>
    /// <returns><see langword="true"/> when the handler ran; <see langword="false"/> for a duplicate.</returns>
    public abstract ValueTask<bool> ProcessOnceAsync(string consumer, Guid messageId, Func<CancellationToken, ValueTask> handler, CancellationToken cancellationToken);

    /// <summary>Deletes at most <paramref name="maxCount"/> records older than <paramref name="age"/>.</summary>
    /// <param name="age">How long a record is kept.</param>
    /// <param name="maxCount">At most this many in one statement.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>How many were deleted.</returns>
    public abstract ValueTask<int> DeleteRecordedBeforeAsync(TimeSpan age, int maxCount, CancellationToken cancellationToken);
}
