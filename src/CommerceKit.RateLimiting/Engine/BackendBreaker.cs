using System.Runtime.ExceptionServices;
using Polly;
using Polly.CircuitBreaker;

namespace CommerceKit.RateLimiting.Engine;

/// <summary>
/// A circuit breaker (Polly) in front of the rate-limit backend. Once decisions keep failing, the limiters stop asking
/// the backend for a second and answer by their failure policy at once: a request limiter must not make every
/// request wait out the connection's timeouts while Redis or PostgreSQL is down. A backend that never fails (memory)
/// never opens it.
/// </summary>
internal sealed class BackendBreaker
{
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(1);

    public const int FailuresToOpen = 3;

    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();

    public BackendBreaker(TimeProvider timeProvider, Action onOpened) =>
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

    /// <summary>Runs one decision through the breaker.</summary>
    /// <exception cref="BackendUnavailableException">The backend failed.</exception>
    /// <exception cref="BrokenCircuitException">The circuit is open: the backend was not asked.</exception>
    public async ValueTask<TResult> ExecuteAsync<TState, TResult>(
        Func<TState, CancellationToken, ValueTask<TResult>> decide, TState state, CancellationToken cancellationToken)
    {
        // While the circuit is closed a decision goes to the backend directly and only a failure is reported to the
        // breaker: the pipeline on every decision cost a quarter of a Redis decision's time at 64 callers
        // (docs/benchmarks.md). The breaker still opens on FailuresToOpen failures within its sampling window.
        if (_state.CircuitState == CircuitState.Closed)
        {
            try
            {
                return await decide(state, cancellationToken).ConfigureAwait(false);
            }
            catch (BackendUnavailableException failure)
            {
                // Counts the failure; throws it again (or BrokenCircuitException once this failure opened the circuit).
                _pipeline.Execute(static failure => ExceptionDispatchInfo.Throw(failure), failure);
                throw;
            }
        }

        return await _pipeline.ExecuteAsync(
            static (request, token) => request.Decide(request.State, token), (Decide: decide, State: state), cancellationToken).ConfigureAwait(false);
    }
}
