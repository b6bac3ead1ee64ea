using System.ComponentModel.DataAnnotations;

namespace CommerceKit.Notifications;

/// <summary>Options of the notification dispatcher, the same for every backend.</summary>
public sealed class NotificationOptions
{
    /// <summary>How many promotional notifications one recipient may be sent per <see cref="PromotionalLimitWindow"/>; 0 for no limit.</summary>
    /// <value>The default value is 3.</value>
    [Range(0, 1_000_000)]
    public int PromotionalLimit { get; set; } = 3;

    /// <summary>The window of <see cref="PromotionalLimit"/>.</summary>
    /// <value>The default value is 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:01", "366.00:00:00")]
    public TimeSpan PromotionalLimitWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Whether transactional notifications ignore promotional opt-outs (never an unsubscribe).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool TransactionalIgnoresPromotionalOptOuts { get; set; } = true;

    /// <summary>Whether this instance sends; an instance that only accepts may switch it off.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SenderEnabled { get; set; } = true;

    /// <summary>How many notifications are sent at the same time.</summary>
    /// <value>The default value is 32.</value>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>
    /// How many transactional notifications a sender takes for each promotional one when both wait: promotions never
    /// starve, and a promotional flood never delays an order confirmation by more than a few sends.
    /// </summary>
    /// <value>The default value is 8.</value>
    [Range(1, 1000)]
    public int TransactionalWeight { get; set; } = 8;

    /// <summary>How many claimed notifications of each category wait in memory for a sender (the bounded queues).</summary>
    /// <value>The default value is 256.</value>
    [Range(1, 100_000)]
    public int QueueCapacity { get; set; } = 256;

    /// <summary>How long a claimed notification is its instance's, on the backend's clock: after a crash another instance sends it.</summary>
    /// <value>The default value is 2 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle sender looks for notifications that came due (held ones, expired leases) when no accept woke it.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many attempts one provider gets for one notification before the next provider is tried.</summary>
    /// <value>The default value is 3.</value>
    [Range(1, 100)]
    public int AttemptsPerProvider { get; set; } = 3;

    /// <summary>The delay before a provider's second attempt; it doubles with each further attempt, with jitter. A <c>Retry-After</c> wins.</summary>
    /// <value>The default value is 200 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait before another attempt, a provider's <c>Retry-After</c> included (longer: the next provider is tried).</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one provider call may take.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan ProviderTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a provider's circuit stays open (the provider skipped) once it failed too often.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The length of digest windows, counted from the recipient's local midnight.</summary>
    /// <value>The default value is 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DigestWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long after its end a digest window is closed. A window refuses items once it has ended on the backend's clock
    /// (they join the next one), and the wait lets a write that was still running as it ended land in it first.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan DigestMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the queue-depth gauges are refreshed.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(10);
}
