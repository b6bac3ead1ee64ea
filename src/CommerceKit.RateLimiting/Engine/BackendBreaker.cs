using Polly;
using Polly.CircuitBreaker;

namespace CommerceKit.RateLimiting.Engine;

/// <summary>
/// A circuit breaker (Polly) in front of a remote rate-limit backend. Once decisions keep failing, the limiters stop
/// asking the backend for a second and answer by their failure policy at once: a request limiter must not make every
/// request wait out the connection's timeouts while Redis or PostgreSQL is down.
/// </summary>
internal static class BackendBreaker
{
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(1);

    public static ResiliencePipeline Create(RateLimitStore store, TimeProvider timeProvider, Action onOpened)
    {
        // The in-memory store cannot be unreachable.
        if (store is InMemory.InMemoryRateLimitStore)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<BackendUnavailableException>(),
                FailureRatio = 0.5,
                MinimumThroughput = 2,
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
}
