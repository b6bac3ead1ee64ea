using System.Runtime.ExceptionServices;
using Polly;
using Polly.CircuitBreaker;

namespace CommerceKit.RateLimiting.Engine;

/// <summary>
/// A circuit breaker (Polly) in front of a remote rate-limit backend. Once decisions keep failing, the limiters stop
/// asking the backend for a second and answer by their failure policy at once: a request limiter must not make every
/// request wait out the connection's timeouts while Redis or PostgreSQL is down.
/// </summary>
/// <remarks>
/// While the circuit is closed a decision goes to the backend directly and only a failure is reported to the breaker
/// (running the pipeline on every decision cost about 1 KB): the breaker therefore opens on
/// <see cref="FailuresToOpen"/> failures within five seconds, whatever succeeded in between.
/// </remarks>
internal sealed class BackendBreaker
{
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(1);

    public const int FailuresToOpen = 3;

    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();

    public BackendBreaker(RateLimitStore store, TimeProvider timeProvider, Action onOpened)
    {
        // The in-memory store cannot be unreachable.
        IsNeeded = store is not InMemory.InMemoryRateLimitStore;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<BackendUnavailableException>(),
                StateProvider = _state,
                FailureRatio = 1,
                MinimumThroughput = FailuresToOpen,
                SamplingDuration = TimeSpan.FromSeconds(5),
                BreakDuration = BreakDuration,
                OnOpened = _ =>
                {
                    onOpened();
                    return default;
                },
            })
            .Build();
    }

    private bool IsNeeded { get; }

    /// <summary>Runs one decision: directly while the circuit is closed, through the breaker otherwise.</summary>
    /// <exception cref="BackendUnavailableException">The backend failed.</exception>
    /// <exception cref="BrokenCircuitException">The circuit is open: the backend was not asked.</exception>
    public async ValueTask<TResult> ExecuteAsync<TState, TResult>(
        Func<TState, CancellationToken, ValueTask<TResult>> decide, TState state, CancellationToken cancellationToken)
    {
        if (!IsNeeded || _state.CircuitState == CircuitState.Closed)
        {
            try
            {
                return await decide(state, cancellationToken).ConfigureAwait(false);
            }
            catch (BackendUnavailableException exception) when (IsNeeded)
            {
                // Counts the failure; throws it again (or BrokenCircuitException once this failure opened the circuit).
                _pipeline.Execute(static failure => ExceptionDispatchInfo.Throw(failure), exception);
                throw;
            }
        }

        return await _pipeline.ExecuteAsync(
            static (request, token) => request.Decide(request.State, token), (Decide: decide, State: state), cancellationToken).ConfigureAwait(false);
    }
}
