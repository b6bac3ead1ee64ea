using Microsoft.Extensions.Logging;

namespace CommerceKit.Sagas.Engine;

internal static partial class SagaLog
{
    [LoggerMessage(801, LogLevel.Warning, "Saga {SagaId} step {Step} failed (attempt {Attempt}); it is tried again in {Delay}")]
    public static partial void AttemptFailed(ILogger logger, string sagaId, string step, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(802, LogLevel.Warning, "Saga {SagaId} step {Step} failed for good; the completed steps are compensated")]
    public static partial void StepFailed(ILogger logger, string sagaId, string step, Exception exception);

    // A step that throws SagaStepFailedException decided the outcome itself (no stock, a declined card): a business
    // result, common in a busy shop, so no warning and no stack trace.
    [LoggerMessage(811, LogLevel.Information, "Saga {SagaId} step {Step} declined: {Reason}; the completed steps are compensated")]
    public static partial void StepDeclined(ILogger logger, string sagaId, string step, string reason);

    [LoggerMessage(803, LogLevel.Error, "Saga {SagaId}: the compensation of step {Step} failed {Attempts} times; the saga is parked until an operator resumes it")]
    public static partial void CompensationFailed(ILogger logger, string sagaId, string step, int attempts, Exception exception);

    [LoggerMessage(804, LogLevel.Error, "Saga {SagaId} is parked: {Reason}")]
    public static partial void Parked(ILogger logger, string sagaId, string reason);

    [LoggerMessage(805, LogLevel.Warning, "Saga {SagaId} lost its lease to another instance; this instance stops running it")]
    public static partial void LeaseLost(ILogger logger, string sagaId);

    [LoggerMessage(806, LogLevel.Warning, "Saga {SagaId} could not be saved (the backend is unavailable); another instance resumes it once its lease runs out")]
    public static partial void SaveFailed(ILogger logger, string sagaId, Exception exception);

    [LoggerMessage(807, LogLevel.Information, "Saga {SagaId} ({Saga}) resumed by this instance at step {Step}")]
    public static partial void Resumed(ILogger logger, string sagaId, string saga, string? step);

    [LoggerMessage(808, LogLevel.Warning, "Saga {SagaId} is aborted: {Reason}")]
    public static partial void Aborted(ILogger logger, string sagaId, string reason);

    [LoggerMessage(809, LogLevel.Warning, "Saga background work ({Work}) failed; it runs again in {Delay}")]
    public static partial void BackgroundFailed(ILogger logger, string work, TimeSpan delay, Exception exception);

    [LoggerMessage(810, LogLevel.Error, "Saga {SagaId} failed unexpectedly; another instance resumes it once its lease runs out")]
    public static partial void ExecutionFailed(ILogger logger, string sagaId, Exception exception);
}
