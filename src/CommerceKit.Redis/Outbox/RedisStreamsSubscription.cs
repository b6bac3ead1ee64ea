namespace CommerceKit.Redis.Outbox;

/// <summary>Which stream a <see cref="RedisStreamsConsumer"/> reads, as which member of which consumer group.</summary>
public sealed class RedisStreamsSubscription
{
    /// <summary>Creates a subscription.</summary>
    /// <param name="topic">The topic (see <see cref="RedisStreamsOptions.Topics"/>).</param>
    /// <param name="group">The consumer group: each message is handled by one member of each group.</param>
    /// <param name="consumer">This member's name, stable across restarts so that it resumes its own pending messages.</param>
    /// <exception cref="ArgumentException">A name is not a valid key (see <see cref="KeyGuard"/>).</exception>
    public RedisStreamsSubscription(string topic, string group, string consumer)
    {
        Topic = KeyGuard.ThrowIfInvalid(topic);
        Group = KeyGuard.ThrowIfInvalid(group);
        Consumer = KeyGuard.ThrowIfInvalid(consumer);
    }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary>The consumer group, created (reading from the stream's start) when missing.</summary>
    public string Group { get; }

    /// <summary>This member of the group.</summary>
    public string Consumer { get; }

    /// <summary>How many entries one read takes at most.</summary>
    /// <value>The default value is 100.</value>
    public int BatchSize { get; init; } = 100;

    /// <summary>
    /// How long a message may stay delivered and unacknowledged before another member takes it over
    /// (<c>XAUTOCLAIM</c>): longer than the handler ever takes, shorter than you want a dead member's messages to wait.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan ClaimIdleAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an idle consumer waits before reading again (the multiplexer cannot block on <c>XREADGROUP</c>).</summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ClaimIdleAfter, TimeSpan.Zero, nameof(ClaimIdleAfter));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
    }
}
