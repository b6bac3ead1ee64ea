namespace CommerceKit.Outbox;

/// <summary>A committed message as a publisher receives it.</summary>
/// <param name="Id">The message's id; consumers' inboxes deduplicate by it.</param>
/// <param name="Type">The message type.</param>
/// <param name="Payload">The serialized payload.</param>
/// <param name="PartitionKey">The ordering key (the message id for a message enqueued without one).</param>
/// <param name="Headers">The headers, with the enqueuing trace's <c>traceparent</c>.</param>
/// <param name="EnqueuedAt">When the message was enqueued, on the backend's clock.</param>
/// <param name="Attempt">Which publish attempt this is: 1 the first time.</param>
public sealed record OutboxEnvelope(
    Guid Id,
    string Type,
    ReadOnlyMemory<byte> Payload,
    string PartitionKey,
    IReadOnlyDictionary<string, string> Headers,
    DateTimeOffset EnqueuedAt,
    int Attempt);
