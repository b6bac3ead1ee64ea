using Polly;
using Polly.Retry;

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
}
