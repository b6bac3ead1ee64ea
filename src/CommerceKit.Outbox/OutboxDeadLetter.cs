namespace CommerceKit.Outbox;

/// <summary>A message that failed <see cref="OutboxOptions.MaxAttempts"/> times and holds back its partition key.</summary>
/// <param name="Envelope">The message, with the number of its last attempt.</param>
/// <param name="LastError">The last attempt's error: its exception type and message.</param>
/// <param name="DeadLetteredAt">When it was dead-lettered, on the backend's clock.</param>
public sealed record OutboxDeadLetter(OutboxEnvelope Envelope, string LastError, DateTimeOffset DeadLetteredAt);
