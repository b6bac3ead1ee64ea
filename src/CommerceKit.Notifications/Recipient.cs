namespace CommerceKit.Notifications;

/// <summary>A recipient as <see cref="IRecipientDirectory"/> describes them.</summary>
public sealed record Recipient
{
    /// <summary>The recipient's id.</summary>
    public required string Id { get; init; }

    /// <summary>The recipient's IANA time zone (for quiet hours and scheduled sends).</summary>
    /// <value>The default value is <c>Etc/UTC</c>.</value>
    public string TimeZone { get; init; } = "Etc/UTC";

    /// <summary>The recipient's address on each channel they can be reached on.</summary>
    public IReadOnlyDictionary<NotificationChannel, string> Addresses { get; init; } = new Dictionary<NotificationChannel, string>();

    /// <summary>Channels the recipient unsubscribed from for good: nothing is ever sent there, transactional included.</summary>
    public IReadOnlySet<NotificationChannel> Unsubscribed { get; init; } = new HashSet<NotificationChannel>();

    /// <summary>Channels the recipient opted out of for promotions.</summary>
    public IReadOnlySet<NotificationChannel> PromotionalOptOuts { get; init; } = new HashSet<NotificationChannel>();

    /// <summary>When promotions wait, in the recipient's local time; <see langword="null"/> for none.</summary>
    public QuietHours? QuietHours { get; init; }
}

/// <summary>A daily window of local time in which promotions are held until it ends; it may span midnight (22:00–07:00).</summary>
/// <param name="Start">When it begins.</param>
/// <param name="End">When it ends: held notifications are sent then.</param>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    /// <summary>Whether <paramref name="time"/> falls inside the window.</summary>
    /// <param name="time">A local time.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool Contains(TimeOnly time) => Start <= End ? time >= Start && time < End : time >= Start || time < End;
}

/// <summary>Finds recipients: addresses, time zone, preferences, quiet hours. The application implements it.</summary>
public interface IRecipientDirectory
{
    /// <summary>Finds a recipient.</summary>
    /// <param name="recipientId">The recipient's id.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The recipient; <see langword="null"/> when unknown.</returns>
    ValueTask<Recipient?> GetAsync(string recipientId, CancellationToken cancellationToken);
}
