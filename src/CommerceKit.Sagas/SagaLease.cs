namespace CommerceKit.Sagas;

/// <summary>A saga an instance now owns: it alone may save it while <paramref name="Token"/> is the saga's current lease token.</summary>
/// <param name="Saga">The saga as stored.</param>
/// <param name="Token">The lease token, raised by every acquisition: a save with an older token is refused.</param>
public sealed record SagaLease(SagaSnapshot Saga, long Token);

/// <summary>What a fenced save found.</summary>
/// <param name="Saved">Whether the save was made (<see langword="false"/>: another instance holds the saga now).</param>
/// <param name="AbortReason">The saga's abort reason, if an operator asked to abort it meanwhile.</param>
public readonly record struct SagaSaveResult(bool Saved, string? AbortReason);
