using System.Globalization;
using System.Text.Json;
using CommerceKit.Outbox;
using CommerceKit.Redis.Keys;
using StackExchange.Redis;

namespace CommerceKit.Redis.Outbox;

/// <summary>How an outbox message is written to a stream entry and read back: one field per envelope member.</summary>
internal static class RedisStreamFields
{
    private const string Id = "id";
    private const string Type = "type";
    private const string Key = "key";
    private const string Headers = "headers";
    private const string EnqueuedAt = "enqueued_at";
    private const string Attempt = "attempt";
    private const string Payload = "payload";

    /// <summary>The stream of <paramref name="topic"/>.</summary>
    public static RedisKey StreamKey(RedisKeyspace keys, string topic) => keys.For("outbox", KeyGuard.ThrowIfInvalid(topic), "stream");

    public static NameValueEntry[] Write(OutboxEnvelope envelope) =>
    [
        new(Id, envelope.Id.ToString()),
        new(Type, envelope.Type),
        new(Key, envelope.PartitionKey),
        new(Headers, JsonSerializer.Serialize(envelope.Headers)),
        new(EnqueuedAt, envelope.EnqueuedAt.ToUnixTimeMilliseconds()),
        new(Attempt, envelope.Attempt),
        new(Payload, envelope.Payload),
    ];

    /// <summary>Reads an entry written by <see cref="Write"/>; <see langword="null"/> for an entry that is not one (or was trimmed).</summary>
    public static OutboxEnvelope? TryRead(StreamEntry entry)
    {
        if (entry.IsNull || !Guid.TryParse((string?)entry[Id], out var id) || entry[Type].IsNullOrEmpty || entry[Payload].IsNull)
        {
            return null;
        }

        return new OutboxEnvelope(
            id,
            entry[Type]!,
            (byte[])entry[Payload]!,
            entry[Key]!,
            JsonSerializer.Deserialize<Dictionary<string, string>>((string)entry[Headers]! ?? "{}") ?? [],
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((string)entry[EnqueuedAt]!, CultureInfo.InvariantCulture)),
            int.Parse((string)entry[Attempt]!, CultureInfo.InvariantCulture));
    }
}
