using System.Diagnostics;
using CommerceKit.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CommerceKit.Idempotency.Engine;

/// <summary>
/// Claims the key, runs the operation once, stores its response; replays, waits or refuses for everyone else. Keys
/// and scopes are never written to logs or traces: they may name customers.
/// </summary>
internal sealed class IdempotencyExecutor : IIdempotencyExecutor
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(500);
    private static readonly IdempotencyOptionsValidator Validator = new();

    private readonly IdempotencyStore _store;
    private readonly IdempotencyOptions _options;
    private readonly ICommerceKitSerializer _serializer;
    private readonly TimeProvider _timeProvider;
    private readonly RetryHint _retryHint = new();
    private readonly ILogger _logger;
    private readonly string _backend;

    public IdempotencyExecutor(
        IdempotencyStore store,
        IOptions<IdempotencyOptions> options,
        ICommerceKitSerializer serializer,
        TimeProvider timeProvider,
        ILoggerFactory? loggerFactory = null)
    {
        _store = store;
        _options = options.Value;
        _serializer = serializer;
        _timeProvider = timeProvider;
        _logger = loggerFactory?.CreateLogger<IdempotencyExecutor>() ?? NullLogger<IdempotencyExecutor>.Instance;
        _backend = store.BackendName;
    }

    public async Task<IdempotentResult<T>> ExecuteAsync<T>(
        IdempotencyKey key,
        string fingerprint,
        Func<IdempotencyContext, CancellationToken, Task<T>> operation,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var response = await RunAsync(
            key,
            fingerprint,
            static async (context, state, token) =>
            {
                var value = await state(context, token).ConfigureAwait(false);
                return (context.CompletedResponse ?? context.CreateResponse(value), value);
            },
            operation,
            _options,
            cancellationToken).ConfigureAwait(false);

        return response.IsReplay
            ? new IdempotentResult<T>(_serializer.Deserialize<T>(response.Response.Body.Span)!, response.Response, isReplay: true)
            : new IdempotentResult<T>(response.Value!, response.Response, isReplay: false);
    }

    public async Task<IdempotentResult<StoredResponse>> ExecuteResponseAsync(
        IdempotencyKey key,
        string fingerprint,
        Func<IdempotencyContext, CancellationToken, Task<StoredResponse>> operation,
        IdempotencyOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (options is not null && Validator.Validate(null, options) is { Failed: true } invalid)
        {
            throw new ArgumentException(invalid.FailureMessage, nameof(options));
        }

        var response = await RunAsync(
            key,
            fingerprint,
            static async (context, state, token) =>
            {
                var response = await state(context, token).ConfigureAwait(false) ?? throw new InvalidOperationException("The operation returned no response.");
                return (context.CompletedResponse ?? response, response);
            },
            operation,
            options ?? _options,
            cancellationToken).ConfigureAwait(false);

        // This attempt answers with what its operation made, even when the operation stored a response of its own.
        return new IdempotentResult<StoredResponse>(response.IsReplay ? response.Response : response.Value!, response.Response, response.IsReplay);
    }

    private async Task<(StoredResponse Response, TValue? Value, bool IsReplay)> RunAsync<TState, TValue>(
        IdempotencyKey key,
        string fingerprint,
        Func<IdempotencyContext, TState, CancellationToken, Task<(StoredResponse Response, TValue Value)>> run,
        TState state,
        IdempotencyOptions options,
        CancellationToken cancellationToken)
    {
        IdempotencyStore.ThrowIfDefault(key);
        IdempotencyStore.ThrowIfInvalidFingerprint(fingerprint);

        using var activity = IdempotencyTelemetry.Source.StartActivity("commercekit.idempotency.execute");
        activity?.SetTag(CommerceKitDiagnostics.BackendTagName, _backend);

        var claim = await ClaimAsync(key, fingerprint, options, activity, cancellationToken).ConfigureAwait(false);
        if (claim.Status == IdempotencyClaimStatus.Completed)
        {
            IdempotencyTelemetry.Record(activity, _backend, IdempotencyOutcomes.Replayed);
            return (claim.Response!, default, true);
        }

        var context = new IdempotencyContext(key, claim.LeaseToken, options.Retention, _serializer);
        (StoredResponse Response, TValue Value) result;
        var started = _timeProvider.GetTimestamp();
        try
        {
            result = await run(context, state, cancellationToken).ConfigureAwait(false);
            _retryHint.Observe(_timeProvider.GetElapsedTime(started));
        }
        catch (Exception)
        {
            IdempotencyTelemetry.Record(activity, _backend, IdempotencyOutcomes.Released);
            await ReleaseQuietlyAsync(key, claim.LeaseToken).ConfigureAwait(false);
            throw;
        }

        if (context.CompletedResponse is null)
        {
            if (result.Response.IsRetryLater && options.ErrorPolicy == IdempotencyErrorPolicy.ReleaseServerErrors)
            {
                IdempotencyTelemetry.Record(activity, _backend, IdempotencyOutcomes.Released);
                await ReleaseQuietlyAsync(key, claim.LeaseToken).ConfigureAwait(false);
                return (result.Response, result.Value, false);
            }

            if (!await TryStoreAsync(key, claim.LeaseToken, result.Response, options, activity).ConfigureAwait(false))
            {
                return (result.Response, result.Value, false);
            }
        }

        IdempotencyTelemetry.Record(activity, _backend, IdempotencyOutcomes.Executed);
        return (result.Response, result.Value, false);
    }

    /// <summary>Claims the key, waiting up to <see cref="IdempotencyOptions.InProgressWait"/> for a running attempt.</summary>
    private async Task<IdempotencyClaim> ClaimAsync(
        IdempotencyKey key,
        string fingerprint,
        IdempotencyOptions options,
        Activity? activity,
        CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var poll = FirstPoll;
        while (true)
        {
            var claim = await _store.TryClaimAsync(key, fingerprint, options.Lease, cancellationToken).ConfigureAwait(false);
            switch (claim.Status)
            {
                case IdempotencyClaimStatus.Claimed or IdempotencyClaimStatus.Completed:
                    return claim;
                case IdempotencyClaimStatus.FingerprintMismatch:
                    IdempotencyTelemetry.Record(activity, _backend, IdempotencyOutcomes.FingerprintMismatch);
                    throw new IdempotencyKeyReusedException();
            }

            var waitLeft = options.InProgressWait - _timeProvider.GetElapsedTime(started);
            if (waitLeft <= TimeSpan.Zero)
            {
                IdempotencyTelemetry.Record(activity, _backend, IdempotencyOutcomes.InProgress);
                throw new IdempotencyKeyInUseException(_retryHint.For(options.Lease, claim.RetryAfter));
            }

            // The first attempt usually finishes soon: look again quickly, then back off; never past the wait or the lease.
            var delay = Min(poll, Min(waitLeft, claim.RetryAfter));
            await Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.FromMilliseconds(1), _timeProvider, cancellationToken).ConfigureAwait(false);
            poll = Min(poll * 2, LongestPoll);
        }
    }

    /// <summary>Stores the response; <see langword="false"/> when the backend is down (the caller still gets its result).</summary>
    private async Task<bool> TryStoreAsync(IdempotencyKey key, long leaseToken, StoredResponse response, IdempotencyOptions options, Activity? activity)
    {
        bool stored;
        try
        {
            // The operation ran: its result is stored even if the caller has gone away meanwhile.
            stored = await _store.CompleteAsync(key, leaseToken, response, options.Retention, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BackendUnavailableException exception)
        {
            // Failing the caller now would only make it retry an operation that succeeded.
            IdempotencyLog.NotStored(_logger, exception);
            IdempotencyTelemetry.Record(activity, _backend, IdempotencyOutcomes.NotStored);
            return false;
        }

        if (!stored)
        {
            IdempotencyLog.LeaseLost(_logger, options.Lease);
            IdempotencyTelemetry.Record(activity, _backend, IdempotencyOutcomes.LeaseLost);
            throw new IdempotencyLeaseLostException();
        }

        return true;
    }

    private async Task ReleaseQuietlyAsync(IdempotencyKey key, long leaseToken)
    {
        try
        {
            await _store.ReleaseAsync(key, leaseToken, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BackendUnavailableException exception)
        {
            IdempotencyLog.ReleaseFailed(_logger, exception);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
