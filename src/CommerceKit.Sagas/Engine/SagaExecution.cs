using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly;

namespace CommerceKit.Sagas.Engine;

/// <summary>
/// One saga run by this instance while it holds the saga's lease: steps forward, or compensations in reverse, each
/// transition saved (fenced by the lease token) before the next begins. It stops when the saga ends or is parked, when
/// the lease is lost (a save is refused or a renewal fails), or when the instance stops (it then hands the lease over).
/// </summary>
internal sealed class SagaExecution : IRetryObserver
{
    private readonly SagaEngine _engine;
    private readonly SagaPlan _plan;
    private readonly CancellationTokenSource _cancellation;
    private readonly TaskCompletionSource<SagaResult?> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SagaSnapshot _saga;
    private object _state;
    private volatile bool _leaseLost;

    // The step being attempted now, for the retry observer.
    private int _step;
    private bool _compensating;
    private int _attemptsBefore;
    private int _attempts;
    private DateTimeOffset _stepStarted;

    public SagaExecution(SagaEngine engine, SagaPlan plan, SagaLease lease, object state)
    {
        _engine = engine;
        _plan = plan;
        _saga = lease.Saga;
        _state = state;
        Token = lease.Token;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(engine.StoppingToken);
    }

    public string SagaId => _saga.SagaId;

    public long Token { get; }

    /// <summary>The outcome, or <see langword="null"/> when this instance stopped running the saga before it ended.</summary>
    public Task<SagaResult?> Outcome => _outcome.Task;

    /// <summary>Another instance holds the saga now: stop at once, writing nothing.</summary>
    public void LoseLease()
    {
        _leaseLost = true;
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The saga had just stopped running here.
        }
    }

    public async Task RunAsync()
    {
        using var activity = SagaTelemetry.Source.StartActivity("commercekit.saga.run", ActivityKind.Internal);
        activity?.SetTag(SagaTelemetry.SagaTag, _plan.Name).SetTag(SagaTelemetry.SagaIdTag, SagaId).SetTag("commercekit.saga.version", _plan.Version);
        try
        {
            var result = await RunStepsAsync().ConfigureAwait(false);
            activity?.SetTag(SagaTelemetry.OutcomeTag, result.Status.ToString());
            _outcome.TrySetResult(result);
        }
        catch (Exception exception) when (_leaseLost || exception is SagaLeaseLostException)
        {
            SagaLog.LeaseLost(_engine.Logger, SagaId);
            _outcome.TrySetResult(null);
        }
        catch (OperationCanceledException) when (_engine.StoppingToken.IsCancellationRequested)
        {
            await HandOverAsync().ConfigureAwait(false);
            _outcome.TrySetResult(null);
        }
        catch (BackendUnavailableException exception)
        {
            SagaLog.SaveFailed(_engine.Logger, SagaId, exception);
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            _outcome.TrySetResult(null);
        }
        catch (Exception exception)
        {
            SagaLog.ExecutionFailed(_engine.Logger, SagaId, exception);
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            _outcome.TrySetResult(null);
        }
        finally
        {
            _cancellation.Dispose();
        }
    }

    private async Task<SagaResult> RunStepsAsync()
    {
        while (true)
        {
            if (_saga.Status == SagaStatus.Running && _saga.AbortReason is { } reason)
            {
                SagaLog.Aborted(_engine.Logger, SagaId, reason);
                _saga = _saga with { Status = SagaStatus.Compensating, Error = $"Aborted: {reason}" };
            }

            switch (_saga.Status)
            {
                case SagaStatus.Running when SagaProgress.NextToRun(_saga.Journal) is var step and >= 0:
                    await ExecuteStepAsync(step).ConfigureAwait(false);
                    break;
                case SagaStatus.Compensating when SagaProgress.NextToCompensate(_saga.Journal, _plan) is var step and >= 0:
                    await CompensateStepAsync(step).ConfigureAwait(false);
                    break;
                case SagaStatus.Running or SagaStatus.Compensating:
                    // Nothing left to run (an abort with nothing to undo): record the end.
                    await SaveAsync(_saga.Journal).ConfigureAwait(false);
                    break;
                default:
                    SagaTelemetry.CountEnded(_engine.Store.BackendName, _plan.Name, _saga.Status);
                    return _saga.ToResult();
            }
        }
    }

    private async Task ExecuteStepAsync(int step)
    {
        var entry = _saga.Journal[step];
        var failure = await AttemptAsync(step, compensate: false, entry.Attempts, entry.StartedAt).ConfigureAwait(false);

        // The failed attempts were recorded meanwhile: the entry is read again.
        entry = _saga.Journal[step];
        var journal = _saga.Journal.ToArray();
        var attempts = _attemptsBefore + _attempts;
        if (failure is null)
        {
            journal[step] = entry with { Status = SagaStepStatus.Succeeded, Attempts = attempts, StartedAt = _stepStarted, EndedAt = Now };
            _saga = _saga with { State = _plan.WriteState(_state, _engine.JsonOptions) };
        }
        else
        {
            if (failure is SagaStepFailedException declined)
            {
                SagaLog.StepDeclined(_engine.Logger, SagaId, entry.Name, declined.Message);
            }
            else
            {
                SagaLog.StepFailed(_engine.Logger, SagaId, entry.Name, failure);
            }

            var status = failure is SagaStepFailedException ? SagaStepStatus.Failed : SagaStepStatus.RetriesExhausted;
            journal[step] = entry with { Status = status, Attempts = attempts, StartedAt = _stepStarted, EndedAt = Now, LastError = Describe(failure) };
            _saga = _saga with { Status = SagaStatus.Compensating, FailedStep = entry.Name, Error = Describe(failure) };
        }

        await SaveAsync(journal).ConfigureAwait(false);
    }

    private async Task CompensateStepAsync(int step)
    {
        var entry = _saga.Journal[step];
        var failure = await AttemptAsync(step, compensate: true, entry.CompensationAttempts, entry.StartedAt).ConfigureAwait(false);

        // The failed attempts were recorded meanwhile: the entry is read again.
        entry = _saga.Journal[step];
        var journal = _saga.Journal.ToArray();
        var attempts = _attemptsBefore + _attempts;
        if (failure is null)
        {
            journal[step] = entry with { Status = SagaStepStatus.Compensated, CompensationAttempts = attempts, EndedAt = Now };
            _saga = _saga with { State = _plan.WriteState(_state, _engine.JsonOptions) };
        }
        else
        {
            SagaLog.CompensationFailed(_engine.Logger, SagaId, entry.Name, attempts, failure);
            journal[step] = entry with { Status = SagaStepStatus.CompensationFailed, CompensationAttempts = attempts, EndedAt = Now, LastError = Describe(failure) };
            _saga = _saga with { Status = SagaStatus.CompensationFailed };
        }

        await SaveAsync(journal).ConfigureAwait(false);
    }

    /// <summary>Runs the step's or compensation's attempts through its pipeline; the last failure, or <see langword="null"/>.</summary>
    private async Task<Exception?> AttemptAsync(int step, bool compensate, int attemptsBefore, DateTimeOffset? startedAt)
    {
        (_step, _compensating, _attemptsBefore, _attempts, _stepStarted) = (step, compensate, attemptsBefore, 0, startedAt ?? Now);
        var name = _plan.StepNames[step];
        using var activity = SagaTelemetry.Source.StartActivity("commercekit.saga.step", ActivityKind.Internal);
        activity?.SetTag(SagaTelemetry.SagaTag, _plan.Name).SetTag(SagaTelemetry.SagaIdTag, SagaId).SetTag(SagaTelemetry.StepTag, name)
            .SetTag("commercekit.saga.compensation", compensate);
        var started = _engine.TimeProvider.GetTimestamp();
        var context = ResilienceContextPool.Shared.Get(_cancellation.Token);
        context.Properties.Set(SagaPipelines.Observer, this);
        Exception? failure = null;
        try
        {
            await _plan.Pipeline(step, compensate).ExecuteAsync(static (context, execution) => execution.AttemptOnceAsync(context.CancellationToken), context, this)
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (!_cancellation.IsCancellationRequested && exception is not SagaLeaseLostException)
        {
            failure = exception;
            _state = _plan.ReadState(_saga.State, _engine.JsonOptions);
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        var outcome = failure is null ? "succeeded" : "failed";
        activity?.SetTag("commercekit.saga.attempts", _attempts).SetTag(SagaTelemetry.OutcomeTag, outcome);
        SagaTelemetry.RecordStep(_engine.Store.BackendName, _plan.Name, compensate ? name + ":compensate" : name, outcome, _engine.TimeProvider.GetElapsedTime(started));
        return failure;
    }

    private async ValueTask AttemptOnceAsync(CancellationToken cancellationToken)
    {
        _attempts++;
        if (_attempts > 1)
        {
            // A failed attempt's changes to the state are not kept: each attempt starts from the last saved state.
            _state = _plan.ReadState(_saga.State, _engine.JsonOptions);
        }

        var name = _plan.StepNames[_step];
        var attempt = new SagaAttempt(SagaId, name, _attemptsBefore + _attempts, SagaProgress.IdempotencyKey(SagaId, name, _compensating));
        var scope = _engine.ScopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            await _plan.InvokeAsync(_step, _compensating, _state, attempt, scope.ServiceProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    async ValueTask IRetryObserver.OnRetryAsync(Exception exception, TimeSpan delay)
    {
        var name = _plan.StepNames[_step];
        var attempts = _attemptsBefore + _attempts;
        SagaLog.AttemptFailed(_engine.Logger, SagaId, _compensating ? name + " (compensation)" : name, attempts, delay, exception);
        SagaTelemetry.CountRetry(_engine.Store.BackendName, _plan.Name, name);
        var journal = _saga.Journal.ToArray();
        journal[_step] = _compensating
            ? journal[_step] with { CompensationAttempts = attempts, LastError = Describe(exception) }
            : journal[_step] with { Attempts = attempts, StartedAt = _stepStarted, LastError = Describe(exception) };
        await SaveAsync(journal).ConfigureAwait(false);
    }

    /// <summary>Saves <paramref name="journal"/> with the status and current step it leads to; throws when the lease is lost.</summary>
    private async Task SaveAsync(IReadOnlyList<SagaStepRecord> journal)
    {
        var saga = SagaProgress.Advance(_saga with { Journal = journal }, _plan);
        var saved = await _engine.SaveAsync(saga, Token).ConfigureAwait(false);
        if (!saved.Saved)
        {
            throw new SagaLeaseLostException();
        }

        _saga = saga with { AbortReason = saved.AbortReason ?? saga.AbortReason };
    }

    // Stopping: the saga is left as last saved, and any instance may take it over at once instead of after the lease.
    private async Task HandOverAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _engine.Store.SaveAsync(_saga, Token, TimeSpan.Zero, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is BackendUnavailableException or OperationCanceledException)
        {
            // The lease runs out by itself.
        }
    }

    private DateTimeOffset Now => _engine.TimeProvider.GetUtcNow();

    private static string Describe(Exception exception) => $"{exception.GetType().Name}: {exception.Message}";
}

/// <summary>This instance no longer holds the saga's lease.</summary>
internal sealed class SagaLeaseLostException : Exception;
