namespace CommerceKit.Notifications;

/// <summary>What <see cref="INotificationDispatcher.SendAsync"/> did with a request.</summary>
public enum DispatchOutcome
{
    /// <summary>Accepted: it will be sent (now, or when it is due); <see cref="DispatchResult.NotificationId"/> tracks it.</summary>
    Accepted,

    /// <summary>Its dedup key was seen: <see cref="DispatchResult.NotificationId"/> is the first request's notification.</summary>
    Duplicate,

    /// <summary>Not sent, by the recipient's choice: every requested channel is opted out or unsubscribed (<see cref="DispatchResult.Reason"/>).</summary>
    Suppressed,

    /// <summary>Not sent: the recipient's limit for the category is reached; try again after <see cref="DispatchResult.RetryAfter"/>.</summary>
    RateLimited,

    /// <summary>Not sent: the recipient is unknown, or has no address on any requested channel (<see cref="DispatchResult.Reason"/>).</summary>
    Rejected,
}

/// <summary>The answer to a request. Nothing is ever dropped silently: every outcome but <see cref="DispatchOutcome.Accepted"/> says why.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="NotificationId">The notification (accepted or duplicate).</param>
/// <param name="Reason">Why it was suppressed or rejected.</param>
/// <param name="RetryAfter">When a rate-limited request may be tried again.</param>
public sealed record DispatchResult(DispatchOutcome Outcome, string? NotificationId = null, string? Reason = null, TimeSpan? RetryAfter = null);
