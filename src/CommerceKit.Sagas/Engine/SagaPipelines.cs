using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CommerceKit.Sagas.Engine;

/// <summary>
/// Builds the Polly pipeline of each step and compensation: a retry around a per-attempt timeout. A retry tells the
/// attempt's <see cref="IRetryObserver"/> (the running saga) first, which records the failed attempt.
/// </summary>
internal sealed class SagaPipelines(SagaOptions options, TimeProvider timeProvider)
{
    public static readonly ResiliencePropertyKey<IRetryObserver> Observer = new("commercekit.saga.observer");

    public ResiliencePipeline ForStep(SagaStepOptions? step) =>
        Build(
            step?.MaxAttempts ?? options.StepMaxAttempts,
            step?.RetryDelay ?? options.StepRetryDelay,
            step?.Timeout ?? options.StepTimeout,
            step?.ShouldRetry);

    // A compensation must not stop at the first error: it is retried on every exception but a permanent one.
    public ResiliencePipeline ForCompensation(SagaStepOptions? step) =>
        Build(options.CompensationMaxAttempts, options.CompensationRetryDelay, step?.Timeout ?? options.StepTimeout, shouldRetry: null);

    private ResiliencePipeline Build(int attempts, TimeSpan delay, TimeSpan timeout, Func<Exception, bool>? shouldRetry)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = attempts - 1,
                Delay = delay,
                MaxDelay = options.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome.Exception is { } exception
                    && IsRetryable(exception, arguments.Context.CancellationToken)
                    && (shouldRetry?.Invoke(exception) ?? true)),
                OnRetry = arguments => arguments.Context.Properties.TryGetValue(Observer, out var observer)
                    ? observer.OnRetryAsync(arguments.Outcome.Exception!, arguments.RetryDelay)
                    : default,
            });
        }

        return builder.AddTimeout(new TimeoutStrategyOptions { Timeout = timeout }).Build();
    }

    // A permanent failure is final, and a cancellation of the saga itself (lease lost, instance stopping) is no failure.
    private static bool IsRetryable(Exception exception, CancellationToken sagaToken) =>
        exception is not SagaStepFailedException
        && !(exception is OperationCanceledException && sagaToken.IsCancellationRequested);
}

/// <summary>Told of each failed attempt before its retry.</summary>
internal interface IRetryObserver
{
    ValueTask OnRetryAsync(Exception exception, TimeSpan delay);
}
