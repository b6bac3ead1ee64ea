using System.ComponentModel.DataAnnotations;

namespace CommerceKit.Redis.Outbox;

/// <summary>How the outbox publishes to Redis Streams: one stream per topic, trimmed to about <see cref="MaxLength"/> entries.</summary>
public sealed class RedisStreamsOptions
{
    /// <summary>
    /// The topic of each message type: messages of a type not listed here go to the topic named like the type. Each
    /// topic is one stream, <c>{prefix}:outbox:{topic}:stream</c> (the topic in a hash tag, for Redis Cluster).
    /// </summary>
    public IDictionary<string, string> Topics { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// About how many entries a stream keeps (<c>XADD … MAXLEN ~</c>): older entries are trimmed, acknowledged or not,
    /// so size it above what consumers may fall behind.
    /// </summary>
    /// <value>The default value is 100,000.</value>
    [Range(1, long.MaxValue)]
    public long MaxLength { get; set; } = 100_000;

    /// <summary>The topic of <paramref name="type"/>.</summary>
    /// <param name="type">A message type.</param>
    /// <returns>Its topic.</returns>
    public string TopicOf(string type) => Topics.TryGetValue(type, out var topic) ? topic : type;
}
