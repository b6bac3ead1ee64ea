namespace CommerceKit.Sagas;

/// <summary>Where a saga stands. <see cref="Running"/> and <see cref="Compensating"/> are still running; the others have ended or wait for an operator.</summary>
public enum SagaStatus
{
    /// <summary>Running its steps forward.</summary>
    Running,

    /// <summary>A step failed or the saga was aborted: undoing the completed steps in reverse order.</summary>
    Compensating,

    /// <summary>Every step succeeded.</summary>
    Completed,

    /// <summary>Every completed step was undone.</summary>
    Compensated,

    /// <summary>A compensation kept failing: parked until an operator resumes it or skips that compensation.</summary>
    CompensationFailed,

    /// <summary>This deployment cannot run it (its definition or version is not registered): parked, with the reason in <see cref="SagaSnapshot.Error"/>.</summary>
    Parked,
}
