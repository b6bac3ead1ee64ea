namespace CommerceKit.Sagas;

/// <summary>Declares a saga's steps, in the order they run, inside <see cref="SagaDefinition{TState}.Configure"/>.</summary>
/// <typeparam name="TState">The saga's state.</typeparam>
public interface ISagaBuilder<TState>
    where TState : class
{
    /// <summary>Adds a step.</summary>
    /// <param name="name">The step's name, unique in the saga (a valid key): it names the step in the journal and in idempotency keys.</param>
    /// <param name="execute">Does the step. Throw <see cref="SagaStepFailedException"/> to fail it for good; other exceptions are retried.</param>
    /// <param name="compensate">Undoes the step; <see langword="null"/> for a step with nothing to undo.</param>
    /// <param name="options">Its timeout and retries; <see langword="null"/> for the defaults of <see cref="SagaOptions"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is invalid or already used.</exception>
    ISagaBuilder<TState> Step(
        string name,
        Func<SagaStepContext<TState>, CancellationToken, Task> execute,
        Func<SagaStepContext<TState>, CancellationToken, Task>? compensate = null,
        SagaStepOptions? options = null);
}
