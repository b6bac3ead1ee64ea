using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CommerceKit.Shared;

/// <summary>
/// The retry pipeline the backends put around work that certainly did not run on the server (a refused command,
/// a connection that could not be opened). Compiled into each backend package, so it adds no public API.
/// </summary>
internal static class RetryPipelines
{
    public static ResiliencePipeline Create(
        int attempts,
        TimeSpan delay,
        Func<Exception, bool> isSafeToRetry,
        TimeProvider timeProvider,
        Action<int, Exception?> onRetry)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (attempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle(isSafeToRetry),
                MaxRetryAttempts = attempts,
                Delay = delay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = arguments =>
                {
                    onRetry(arguments.AttemptNumber + 1, arguments.Outcome.Exception);
                    return default;
                },
            });
        }

        return builder.Build();
    }

    /// <summary>
    /// Retries what is safe to retry for as long as <paramref name="timeout"/> allows, a short back-off apart: for
    /// work that is always safe to repeat and that a connection still being made refuses (a subscription).
    /// </summary>
    public static ResiliencePipeline CreateWithin(TimeSpan timeout, Func<Exception, bool> isSafeToRetry, TimeProvider timeProvider) =>
        new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = timeout })
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle(isSafeToRetry),
                MaxRetryAttempts = int.MaxValue,
                Delay = TimeSpan.FromMilliseconds(20),
                MaxDelay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();
}
