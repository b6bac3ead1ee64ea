namespace CommerceKit.Sagas;

/// <summary>One step's entry in a saga's journal.</summary>
/// <param name="Name">The step's name.</param>
/// <param name="Status">Where the step stands.</param>
/// <param name="Attempts">How many attempts of the step were recorded (one cut short by a crash is not).</param>
/// <param name="CompensationAttempts">How many attempts of its compensation were recorded.</param>
/// <param name="StartedAt">When its first recorded attempt started.</param>
/// <param name="EndedAt">When it last changed status (succeeded, failed, compensated).</param>
/// <param name="LastError">The last failure of the step or its compensation.</param>
public sealed record SagaStepRecord(
    string Name,
    SagaStepStatus Status,
    int Attempts = 0,
    int CompensationAttempts = 0,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? EndedAt = null,
    string? LastError = null);
