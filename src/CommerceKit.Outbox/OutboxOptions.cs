using System.ComponentModel.DataAnnotations;

namespace CommerceKit.Outbox;

/// <summary>Options of the outbox and its dispatcher, the same for every backend.</summary>
public sealed class OutboxOptions
{
    /// <summary>The largest payload accepted; a larger message is refused when enqueued, never at dispatch.</summary>
    /// <value>The default value is 1 MiB.</value>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>Whether this instance runs a dispatcher; an instance that only enqueues may switch it off.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool DispatcherEnabled { get; set; } = true;

    /// <summary>How many partition keys one claim takes at most.</summary>
    /// <value>The default value is 100.</value>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>How many consecutive messages of one key one claim takes at most.</summary>
    /// <value>The default value is 20.</value>
    [Range(1, 10_000)]
    public int MaxMessagesPerKey { get; set; } = 20;

    /// <summary>How many keys of a claim are published at the same time (messages of one key always one after another).</summary>
    /// <value>The default value is 16.</value>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>
    /// How long a claim is the dispatcher's, on the backend's clock: a crashed dispatcher's messages are published by
    /// another after it. A dispatcher stops publishing a claim once half of it is gone and hands the rest back.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often an idle dispatcher looks for messages when no commit woke it: the fallback for a lost wake-up,
    /// retries that came due and leases that ran out.
    /// </summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many times a message is tried before it is dead-lettered (and parks its key).</summary>
    /// <value>The default value is 10.</value>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The delay before the second attempt; it doubles with each further attempt, with jitter.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between two attempts.</summary>
    /// <value>The default value is 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a published message is kept (for audits and replays) before retention deletes it.</summary>
    /// <value>The default value is 7 days.</value>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often retention runs and the backlog gauges are refreshed.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many messages one retention statement deletes at most, so that it never holds locks long.</summary>
    /// <value>The default value is 1,000.</value>
    [Range(1, 100_000)]
    public int RetentionBatchSize { get; set; } = 1000;
}
