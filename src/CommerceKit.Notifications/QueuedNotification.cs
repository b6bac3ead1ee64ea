namespace CommerceKit.Notifications;

/// <summary>An accepted notification as the store keeps it until it is sent: rendered for each usable channel, in order.</summary>
public sealed record QueuedNotification
{
    /// <summary>The notification's id.</summary>
    public required string NotificationId { get; init; }

    /// <summary>The recipient.</summary>
    public required string RecipientId { get; init; }

    /// <summary>Its queue.</summary>
    public required NotificationCategory Category { get; init; }

    /// <summary>When it may be sent.</summary>
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>The message on each usable channel, in the request's order of preference.</summary>
    public required IReadOnlyList<RenderedNotification> Deliveries { get; init; }
}
