namespace CommerceKit.Sagas;

/// <summary>
/// Starts sagas, waits for them, and lets an operator find, abort and resume them. Sagas run on the instance that
/// starts them, and on another one if that instance dies (after its lease runs out).
/// </summary>
public interface ISagaRunner
{
    /// <summary>
    /// Starts saga <paramref name="sagaId"/> (unless it exists: then it is that saga) and waits for its outcome.
    /// </summary>
    /// <typeparam name="TSaga">The saga's definition, registered with <c>sagas.AddSaga&lt;TSaga&gt;()</c>.</typeparam>
    /// <typeparam name="TState">Its state.</typeparam>
    /// <param name="sagaId">The saga's id (a valid key): starting the same id again is the same saga.</param>
    /// <param name="initialState">The state the first step sees.</param>
    /// <param name="cancellationToken">Cancels the wait only: the saga goes on running (once it is persisted; a
    /// cancellation before that starts nothing).</param>
    /// <returns>The outcome: <see cref="SagaStatus.Completed"/>, <see cref="SagaStatus.Compensated"/>,
    /// <see cref="SagaStatus.CompensationFailed"/> or <see cref="SagaStatus.Parked"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="sagaId"/> is invalid or belongs to a saga of another definition,
    /// or <paramref name="initialState"/> cannot be serialized.</exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="TSaga"/> is not registered.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached.</exception>
    Task<SagaResult> RunAsync<TSaga, TState>(string sagaId, TState initialState, CancellationToken cancellationToken = default)
        where TSaga : SagaDefinition<TState>
        where TState : class;

    /// <summary>Starts saga <paramref name="sagaId"/> (unless it exists) and returns once it is persisted; it runs on in the background.</summary>
    /// <typeparam name="TSaga">The saga's definition, registered with <c>sagas.AddSaga&lt;TSaga&gt;()</c>.</typeparam>
    /// <typeparam name="TState">Its state.</typeparam>
    /// <param name="sagaId">The saga's id (a valid key): starting the same id again is the same saga.</param>
    /// <param name="initialState">The state the first step sees.</param>
    /// <param name="cancellationToken">Cancels the start (before the saga is persisted).</param>
    /// <returns>Its status: running, or the outcome of a saga with that id that has ended.</returns>
    /// <exception cref="ArgumentException">As for <see cref="RunAsync{TSaga, TState}"/>.</exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="TSaga"/> is not registered.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached: the saga may or may not exist.</exception>
    Task<SagaResult> StartAsync<TSaga, TState>(string sagaId, TState initialState, CancellationToken cancellationToken = default)
        where TSaga : SagaDefinition<TState>
        where TState : class;

    /// <summary>Waits until saga <paramref name="sagaId"/>, wherever it runs, has ended or is parked.</summary>
    /// <param name="sagaId">The saga.</param>
    /// <param name="cancellationToken">Cancels the wait only.</param>
    /// <returns>Its outcome; <see langword="null"/> when no saga has that id.</returns>
    Task<SagaResult?> WaitAsync(string sagaId, CancellationToken cancellationToken = default);

    /// <summary>Reads saga <paramref name="sagaId"/>: status, state and step journal.</summary>
    /// <param name="sagaId">The saga.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The saga; <see langword="null"/> when no saga has that id.</returns>
    Task<SagaSnapshot?> GetAsync(string sagaId, CancellationToken cancellationToken = default);

    /// <summary>Lists sagas by status, definition, current step and "no progress since", oldest progress first.</summary>
    /// <param name="query">The criteria.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The sagas.</returns>
    Task<IReadOnlyList<SagaSnapshot>> QueryAsync(SagaQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Aborts a saga that has not ended: its completed steps are compensated in reverse order. A step running now
    /// finishes first (it is not cancelled, since its effect would be unknown).
    /// </summary>
    /// <param name="sagaId">The saga.</param>
    /// <param name="reason">Why, kept with the saga.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="false"/> when no saga has that id or it has already ended.</returns>
    Task<bool> AbortAsync(string sagaId, string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resumes a parked saga (<see cref="SagaStatus.CompensationFailed"/>, or <see cref="SagaStatus.Parked"/> once its
    /// definition is registered) where it stopped, on this instance.
    /// </summary>
    /// <param name="sagaId">The saga.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="false"/> when no saga has that id or it is not parked.</returns>
    Task<bool> ResumeAsync(string sagaId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Skips the compensation a <see cref="SagaStatus.CompensationFailed"/> saga is parked on (an operator undid it by
    /// hand, or it has nothing left to undo) and resumes compensating the steps before it.
    /// </summary>
    /// <param name="sagaId">The saga.</param>
    /// <param name="reason">Why, kept in the step's journal entry.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="false"/> when no saga has that id or it is not parked on a compensation.</returns>
    Task<bool> SkipCompensationAsync(string sagaId, string reason, CancellationToken cancellationToken = default);
}
