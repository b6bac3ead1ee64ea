namespace CommerceKit.Sagas;

/// <summary>A saga's outcome, or its status while it runs.</summary>
/// <param name="SagaId">The saga.</param>
/// <param name="Status">Its status.</param>
/// <param name="FailedStep">The step whose failure started compensation, if any.</param>
/// <param name="Error">Why it failed, was aborted or parked.</param>
public sealed record SagaResult(string SagaId, SagaStatus Status, string? FailedStep, string? Error)
{
    /// <summary>Whether the saga still runs (<see cref="SagaStatus.Running"/> or <see cref="SagaStatus.Compensating"/>).</summary>
    public bool IsRunning => Status is SagaStatus.Running or SagaStatus.Compensating;
}
