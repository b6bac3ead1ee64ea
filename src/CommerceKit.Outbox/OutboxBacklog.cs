namespace CommerceKit.Outbox;

/// <summary>The messages not yet published, for the backlog gauges.</summary>
/// <param name="PendingCount">Messages not yet published, dead letters included.</param>
/// <param name="DeadLetterCount">Dead letters.</param>
/// <param name="OldestPendingAge">How long the oldest unpublished message has waited, or zero.</param>
public sealed record OutboxBacklog(long PendingCount, long DeadLetterCount, TimeSpan OldestPendingAge);
