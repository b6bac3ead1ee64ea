namespace CommerceKit.Notifications;

/// <summary>Where an accepted notification stands.</summary>
public enum NotificationState
{
    /// <summary>Waiting to be sent: due now, or held until its send time or the end of quiet hours.</summary>
    Pending,

    /// <summary>Accepted by a provider.</summary>
    Sent,

    /// <summary>The provider reported it delivered.</summary>
    Delivered,

    /// <summary>The provider reported it bounced.</summary>
    Bounced,

    /// <summary>Every provider of every usable channel failed: kept as a dead letter until re-driven.</summary>
    DeadLettered,
}

/// <summary>One attempt to send a notification through a provider.</summary>
/// <param name="Provider">The provider.</param>
/// <param name="Channel">Its channel.</param>
/// <param name="At">When the attempt ended.</param>
/// <param name="Outcome">Sent, transient or final (a provider skipped because its circuit is open is a transient failure with that error).</param>
/// <param name="Error">What failed.</param>
public sealed record DeliveryAttempt(string Provider, NotificationChannel Channel, DateTimeOffset At, ProviderOutcome Outcome, string? Error);

/// <summary>An accepted notification: what it is, where it stands, and every delivery attempt.</summary>
public sealed record NotificationStatus
{
    /// <summary>The notification's id.</summary>
    public required string NotificationId { get; init; }

    /// <summary>The recipient.</summary>
    public required string RecipientId { get; init; }

    /// <summary>Transactional or promotional.</summary>
    public required NotificationCategory Category { get; init; }

    /// <summary>Where it stands.</summary>
    public required NotificationState State { get; init; }

    /// <summary>When it was accepted.</summary>
    public required DateTimeOffset AcceptedAt { get; init; }

    /// <summary>When it is (or was) due: its send time, or the end of the recipient's quiet hours.</summary>
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>The provider that sent it, once sent.</summary>
    public string? SentBy { get; init; }

    /// <summary>The provider's id for the message, once sent.</summary>
    public string? ProviderMessageId { get; init; }

    /// <summary>Every attempt, oldest first.</summary>
    public IReadOnlyList<DeliveryAttempt> Attempts { get; init; } = [];
}

/// <summary>What a provider reported about a sent notification, through <see cref="INotificationDispatcher.ReportReceiptAsync"/>.</summary>
public enum DeliveryReceipt
{
    /// <summary>Delivered to the recipient.</summary>
    Delivered,

    /// <summary>Bounced (an unknown address, a full mailbox).</summary>
    Bounced,
}
