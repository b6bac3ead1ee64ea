namespace CommerceKit.Sagas;

/// <summary>Where one step of a saga stands, in its journal.</summary>
public enum SagaStepStatus
{
    /// <summary>Not run yet, or running now (an attempt cut short by a crash leaves no trace).</summary>
    Pending,

    /// <summary>Done.</summary>
    Succeeded,

    /// <summary>Failed for good (<see cref="SagaStepFailedException"/>): it did nothing, so it is not compensated.</summary>
    Failed,

    /// <summary>Every attempt failed or timed out: whether the last one had an effect is unknown, so it is compensated like a completed step.</summary>
    RetriesExhausted,

    /// <summary>Undone by its compensation.</summary>
    Compensated,

    /// <summary>Its compensation kept failing: the saga is parked in <see cref="SagaStatus.CompensationFailed"/>.</summary>
    CompensationFailed,

    /// <summary>Its compensation was skipped by an operator.</summary>
    CompensationSkipped,
}
