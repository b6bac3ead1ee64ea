namespace CommerceKit.Notifications;

/// <summary>How a notification reaches its recipient.</summary>
public enum NotificationChannel
{
    /// <summary>Email.</summary>
    Email,

    /// <summary>Text message.</summary>
    Sms,

    /// <summary>Mobile push.</summary>
    Push,
}

/// <summary>What a notification is for: it decides its queue, and which preferences, quiet hours and limits apply.</summary>
public enum NotificationCategory
{
    /// <summary>Order confirmations, shipping updates: sent at once, on their own queue, never rate-limited.</summary>
    Transactional,

    /// <summary>Promotions: respect opt-outs, quiet hours and per-recipient limits.</summary>
    Promotional,
}
