using System.ComponentModel.DataAnnotations;

namespace CommerceKit.Outbox;

/// <summary>Options of the inbox, the same for every backend.</summary>
public sealed class InboxOptions
{
    /// <summary>
    /// How long a processed message id is remembered; a redelivery later than this runs the handler again. Keep it
    /// longer than any redelivery can come (the outbox's lease and retries, the transport's retention).
    /// </summary>
    /// <value>The default value is 7 days.</value>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often retention runs.</summary>
    /// <value>The default value is 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many records one retention statement deletes at most.</summary>
    /// <value>The default value is 1,000.</value>
    [Range(1, 100_000)]
    public int RetentionBatchSize { get; set; } = 1000;
}
