using System.Text.Json;

namespace CommerceKit.Sagas;

/// <summary>
/// A saga as stored after its last transition: status, state (JSON) and step journal. Backends store and return it
/// whole; the engine makes a new one for every transition.
/// </summary>
public sealed record SagaSnapshot
{
    /// <summary>The saga's id, unique across definitions.</summary>
    public required string SagaId { get; init; }

    /// <summary>The name of its definition.</summary>
    public required string SagaName { get; init; }

    /// <summary>The version of its definition it is pinned to.</summary>
    public required int Version { get; init; }

    /// <summary>Where it stands.</summary>
    public required SagaStatus Status { get; init; }

    /// <summary>The step running, being compensated or parked; <see langword="null"/> once it has ended.</summary>
    public string? CurrentStep { get; init; }

    /// <summary>The step whose failure started compensation, if one did.</summary>
    public string? FailedStep { get; init; }

    /// <summary>Why it failed, was aborted or parked.</summary>
    public string? Error { get; init; }

    /// <summary>Why an operator asked to abort it, if one did (set by <see cref="ISagaRunner.AbortAsync"/>, never by a save).</summary>
    public string? AbortReason { get; init; }

    /// <summary>Its state, as JSON, after the last completed step.</summary>
    public required string State { get; init; }

    /// <summary>One entry per step of its definition, in definition order.</summary>
    public required IReadOnlyList<SagaStepRecord> Journal { get; init; }

    /// <summary>When it was started.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last recorded progress (on the backend's clock).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Whether it still runs (<see cref="SagaStatus.Running"/> or <see cref="SagaStatus.Compensating"/>).</summary>
    public bool IsRunning => Status is SagaStatus.Running or SagaStatus.Compensating;

    /// <summary>Reads <see cref="State"/>.</summary>
    /// <typeparam name="TState">The state's type.</typeparam>
    /// <param name="options">The JSON options the state was written with; <see langword="null"/> for the sagas' default (web).</param>
    /// <returns>The state.</returns>
    public TState GetState<TState>(JsonSerializerOptions? options = null) =>
        JsonSerializer.Deserialize<TState>(State, options ?? SagaOptions.DefaultSerializerOptions)
        ?? throw new InvalidOperationException($"Saga '{SagaId}' has a null state.");

    /// <summary>The saga's outcome or status.</summary>
    /// <returns>The result.</returns>
    public SagaResult ToResult() => new(SagaId, Status, FailedStep, Error);
}
