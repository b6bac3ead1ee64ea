using CommerceKit.Serialization;

namespace CommerceKit.Outbox;

/// <summary>
/// A message to publish once the transaction that enqueues it commits: its type (which handler or topic receives it),
/// its payload, and the key that orders it.
/// </summary>
public sealed record OutboxMessage
{
    private static readonly SystemTextJsonCommerceKitSerializer DefaultSerializer = new();

    /// <summary>Creates a message with a payload already serialized.</summary>
    /// <param name="type">The message type: a key of 1 to 256 characters, no control characters (see <see cref="KeyGuard"/>).</param>
    /// <param name="payload">The serialized payload.</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is empty or not a valid key.</exception>
    public OutboxMessage(string type, ReadOnlyMemory<byte> payload)
    {
        Type = KeyGuard.ThrowIfInvalid(type);
        Payload = payload;
    }

    /// <summary>The message's id, a version 7 (time-ordered) UUID unless set; consumers' inboxes deduplicate by it.</summary>
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>The message type: handlers and topics are chosen by it.</summary>
    public string Type { get; }

    /// <summary>The serialized payload.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>
    /// The ordering key: messages with the same key are published one after another in commit order, and a message
    /// that keeps failing holds back only its own key. <see langword="null"/> (the default) orders the message with
    /// nothing else.
    /// </summary>
    public string? PartitionKey { get; init; }

    /// <summary>Headers published with the message. The enqueuing trace's <c>traceparent</c> is added unless present.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The earliest time to publish the message, or <see langword="null"/> for at once. Later messages of its
    /// <see cref="PartitionKey"/> wait for it, to keep their order.
    /// </summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>
    /// Creates a message whose payload is <paramref name="payload"/> serialized by <paramref name="serializer"/>
    /// (JSON by default), of type <paramref name="type"/> or else <typeparamref name="T"/>'s name.
    /// </summary>
    /// <typeparam name="T">The payload's type; its name is the default message type.</typeparam>
    /// <param name="payload">The payload.</param>
    /// <param name="partitionKey">The ordering key, for example the order id.</param>
    /// <param name="type">The message type; <see langword="null"/> for <c>typeof(T).Name</c>.</param>
    /// <param name="serializer">The serializer; <see langword="null"/> for UTF-8 JSON (web defaults).</param>
    /// <returns>The message.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="payload"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="type"/> or <paramref name="partitionKey"/> is not a valid key.</exception>
    public static OutboxMessage Create<T>(T payload, string? partitionKey = null, string? type = null, ICommerceKitSerializer? serializer = null)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (partitionKey is not null)
        {
            KeyGuard.ThrowIfInvalid(partitionKey);
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        (serializer ?? DefaultSerializer).Serialize(buffer, payload);
        return new OutboxMessage(type ?? TypeName<T>(), buffer.WrittenMemory) { PartitionKey = partitionKey };
    }

    /// <summary>The message type <see cref="Create{T}"/> and handlers use for <typeparamref name="T"/> by default: its name.</summary>
    /// <typeparam name="T">The payload's type.</typeparam>
    /// <returns><c>typeof(T).Name</c>.</returns>
    public static string TypeName<T>() => typeof(T).Name;
}
