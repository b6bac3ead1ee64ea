namespace CommerceKit.Notifications;

/// <summary>A notification to send to one recipient.</summary>
public sealed record NotificationRequest
{
    /// <summary>The recipient, as <see cref="IRecipientDirectory"/> knows them (a valid key).</summary>
    public required string RecipientId { get; init; }

    /// <summary>The template to render (a valid key), registered with <c>notifications.AddTemplate(…)</c>.</summary>
    public required string TemplateId { get; init; }

    /// <summary>Transactional or promotional.</summary>
    /// <value>The default value is <see cref="NotificationCategory.Transactional"/>.</value>
    public NotificationCategory Category { get; init; } = NotificationCategory.Transactional;

    /// <summary>The channels to try, in order: the first usable one is used, and a channel whose providers all fail passes to the next.</summary>
    /// <value>The default value is email alone.</value>
    public IReadOnlyList<NotificationChannel> Channels { get; init; } = [NotificationChannel.Email];

    /// <summary>The template's variables.</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Sends the notification once per key within the idempotency retention: another request with this key answers
    /// <see cref="DispatchOutcome.Duplicate"/> with the first one's id. <see langword="null"/> for no de-duplication.
    /// </summary>
    public string? DedupKey { get; init; }

    /// <summary>When to send it, as a local time in <see cref="TimeZone"/> (or the recipient's); <see langword="null"/> for now.</summary>
    public DateTime? SendAt { get; init; }

    /// <summary>
    /// Batches promotional notifications with this key: those accepted for one recipient within one digest window
    /// (aligned to the recipient's local midnight) are sent as one message when the window closes.
    /// </summary>
    public string? DigestKey { get; init; }

    /// <summary>The IANA time zone of <see cref="SendAt"/>; <see langword="null"/> for the recipient's.</summary>
    public string? TimeZone { get; init; }
}
