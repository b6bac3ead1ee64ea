using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace CommerceKit.Notifications.Engine;

/// <summary>
/// One Polly pipeline per provider: retries with back-off and jitter (a provider's <c>Retry-After</c> wins) around a
/// circuit breaker around a per-call timeout. An open circuit is not retried: the next provider is tried at once.
/// </summary>
internal sealed class ProviderPipelines(NotificationOptions options, TimeProvider timeProvider)
{
    public ResiliencePipeline<ProviderResult> Create() =>
        new ResiliencePipelineBuilder<ProviderResult> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<ProviderResult>
            {
                MaxRetryAttempts = options.AttemptsPerProvider - 1,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome.Exception is null
                        ? arguments.Outcome.Result is { Outcome: ProviderOutcome.Transient } result && !(result.RetryAfter > options.MaxRetryDelay)
                        : arguments.Outcome.Exception is not BrokenCircuitException
                          && !(arguments.Outcome.Exception is OperationCanceledException && arguments.Context.CancellationToken.IsCancellationRequested)),
                // A provider's Retry-After is honoured (a longer one than MaxRetryDelay ended its turn above).
                DelayGenerator = arguments => ValueTask.FromResult(arguments.Outcome.Result?.RetryAfter),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<ProviderResult>
            {
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = options.BreakDuration,
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome.Exception is not null || arguments.Outcome.Result?.Outcome == ProviderOutcome.Transient),
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.ProviderTimeout })
            .Build();
}
