namespace CommerceKit.Sagas;

/// <summary>What a step (or its compensation) is given for one attempt.</summary>
/// <typeparam name="TState">The saga's state.</typeparam>
public sealed class SagaStepContext<TState>
    where TState : class
{
    internal SagaStepContext(TState state, string sagaId, string stepName, int attempt, string idempotencyKey, IServiceProvider services)
    {
        State = state;
        SagaId = sagaId;
        StepName = stepName;
        Attempt = attempt;
        IdempotencyKey = idempotencyKey;
        Services = services;
    }

    /// <summary>The saga's state: change it in the step, and the change is persisted when the step succeeds.</summary>
    public TState State { get; }

    /// <summary>The saga's id.</summary>
    public string SagaId { get; }

    /// <summary>The step's name.</summary>
    public string StepName { get; }

    /// <summary>The attempt, from 1, counted across retries and resumes on other instances.</summary>
    public int Attempt { get; }

    /// <summary>
    /// The same for every attempt of this step of this saga, on any instance (<c>{sagaId}:{step}</c>, and
    /// <c>{sagaId}:{step}:compensate</c> for its compensation): hand it to external calls (a payment gateway's
    /// <c>Idempotency-Key</c>) so that a retried or resumed step does not act twice.
    /// </summary>
    public string IdempotencyKey { get; }

    /// <summary>The services of a scope created for this attempt alone and disposed after it.</summary>
    public IServiceProvider Services { get; }
}
