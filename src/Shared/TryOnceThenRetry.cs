using System.Runtime.ExceptionServices;
using Polly;

namespace CommerceKit.Shared;

/// <summary>
/// Runs an attempt outside the retry pipeline, which allocates on every call, and enters the pipeline only when
/// that attempt failed in a way that is safe to retry. The pipeline's first call then reports that failure
/// instead of running again, so it applies exactly its configured retries and back-off after it.
/// </summary>
internal static class TryOnceThenRetry
{
    public static async ValueTask<TResult> TryOnceThenRetryAsync<TState, TResult>(
        this ResiliencePipeline pipeline,
        Func<TState, CancellationToken, ValueTask<TResult>> attempt,
        TState state,
        Func<Exception, bool> isSafeToRetry,
        CancellationToken cancellationToken)
    {
        try
        {
            return await attempt(state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception firstFailure) when (isSafeToRetry(firstFailure))
        {
            return await pipeline.RetryAfterAsync(attempt, state, firstFailure, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Applies the pipeline's retries to an attempt whose first try already failed with <paramref name="firstFailure"/>.</summary>
    public static ValueTask<TResult> RetryAfterAsync<TState, TResult>(
        this ResiliencePipeline pipeline,
        Func<TState, CancellationToken, ValueTask<TResult>> attempt,
        TState state,
        Exception firstFailure,
        CancellationToken cancellationToken) =>
        pipeline.ExecuteAsync(
            static (retried, token) => retried.RunAsync(token),
            new RetriedAttempt<TState, TResult>(attempt, state, firstFailure),
            cancellationToken);

    private sealed class RetriedAttempt<TState, TResult>(
        Func<TState, CancellationToken, ValueTask<TResult>> attempt,
        TState state,
        Exception firstFailure)
    {
        private Exception? _firstFailure = firstFailure;

        public ValueTask<TResult> RunAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _firstFailure, null) is { } failure)
            {
                ExceptionDispatchInfo.Throw(failure);
            }

            return attempt(state, cancellationToken);
        }
    }
}
