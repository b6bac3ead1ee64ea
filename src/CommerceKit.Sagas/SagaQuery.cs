namespace CommerceKit.Sagas;

/// <summary>Which sagas <see cref="ISagaRunner.QueryAsync"/> lists; every criterion set must hold. Oldest progress first.</summary>
public sealed record SagaQuery
{
    /// <summary>Only sagas with this status.</summary>
    public SagaStatus? Status { get; init; }

    /// <summary>Only sagas of this definition name.</summary>
    public string? SagaName { get; init; }

    /// <summary>Only sagas whose current step (the one running, compensating or parked) has this name.</summary>
    public string? CurrentStep { get; init; }

    /// <summary>Only sagas that recorded no progress since this instant ("stuck").</summary>
    public DateTimeOffset? NoProgressSince { get; init; }

    /// <summary>At most this many, from 1 to 1,000.</summary>
    /// <value>The default value is 100.</value>
    public int MaxCount { get; init; } = 100;
}
