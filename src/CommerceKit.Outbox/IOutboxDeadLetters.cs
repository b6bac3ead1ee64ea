namespace CommerceKit.Outbox;

/// <summary>
/// Operates the dead letters: messages that failed <see cref="OutboxOptions.MaxAttempts"/> times. Each one parks
/// its partition key (later messages of that key wait, every other key flows) until it is re-driven or purged.
/// </summary>
public interface IOutboxDeadLetters
{
    /// <summary>Lists dead letters, oldest first.</summary>
    /// <param name="maxCount">At most this many, 1 to 1,000.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The dead letters.</returns>
    /// <exception cref="BackendUnavailableException">The backend could not be reached.</exception>
    ValueTask<IReadOnlyList<OutboxDeadLetter>> ListAsync(int maxCount = 100, CancellationToken cancellationToken = default);

    /// <summary>Publishes a dead letter again, from attempt 1; its key resumes, in order, once it is published.</summary>
    /// <param name="messageId">The dead letter's id.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns><see langword="false"/> when no dead letter has that id.</returns>
    /// <exception cref="BackendUnavailableException">The backend could not be reached.</exception>
    ValueTask<bool> RedriveAsync(Guid messageId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a dead letter without publishing it; its key resumes with the next message.</summary>
    /// <param name="messageId">The dead letter's id.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns><see langword="false"/> when no dead letter has that id.</returns>
    /// <exception cref="BackendUnavailableException">The backend could not be reached.</exception>
    ValueTask<bool> PurgeAsync(Guid messageId, CancellationToken cancellationToken = default);
}
