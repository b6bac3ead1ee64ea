namespace CommerceKit.Notifications;

/// <summary>
/// Sends notifications on one channel through one service (an email API, an SMS gateway). Several providers of a
/// channel are tried in registration order: the first is the primary, the others its backups.
/// </summary>
public interface INotificationProvider
{
    /// <summary>The provider's name, unique among providers (a valid key), for the delivery log and telemetry.</summary>
    string Name { get; }

    /// <summary>The channel it sends on.</summary>
    NotificationChannel Channel { get; }

    /// <summary>
    /// Sends one notification. Pass <see cref="RenderedNotification.NotificationId"/> to the service as its
    /// de-duplication id, so a retried send is not sent twice. An exception counts as a transient failure.
    /// </summary>
    /// <param name="notification">What to send, and where.</param>
    /// <param name="cancellationToken">Cancelled when the attempt times out.</param>
    /// <returns>Sent, or a transient or final failure.</returns>
    ValueTask<ProviderResult> SendAsync(RenderedNotification notification, CancellationToken cancellationToken);
}

/// <summary>A notification rendered for one channel, as a provider receives it.</summary>
/// <param name="NotificationId">The notification's id: the same on every attempt and every provider, for de-duplication.</param>
/// <param name="RecipientId">The recipient.</param>
/// <param name="Channel">The channel.</param>
/// <param name="Address">The recipient's address on that channel.</param>
/// <param name="Category">Transactional or promotional.</param>
/// <param name="Subject">The rendered subject (email), if the template has one.</param>
/// <param name="Body">The rendered body.</param>
public sealed record RenderedNotification(
    string NotificationId, string RecipientId, NotificationChannel Channel, string Address, NotificationCategory Category, string? Subject, string Body);

/// <summary>How a provider answered.</summary>
public enum ProviderOutcome
{
    /// <summary>Accepted by the service.</summary>
    Sent,

    /// <summary>Worth another attempt: a timeout, 429, 5xx.</summary>
    Transient,

    /// <summary>Refused for good by this provider (a 4xx other than 408 and 429): the next provider or channel is tried.</summary>
    Final,
}

/// <summary>A provider's answer.</summary>
/// <param name="Outcome">Sent, transient or final.</param>
/// <param name="ProviderMessageId">The service's id for the message, when sent.</param>
/// <param name="Error">What failed.</param>
/// <param name="RetryAfter">When the service asked to be called again (a 429's or 503's <c>Retry-After</c>).</param>
public sealed record ProviderResult(ProviderOutcome Outcome, string? ProviderMessageId = null, string? Error = null, TimeSpan? RetryAfter = null)
{
    /// <summary>Sent.</summary>
    /// <param name="providerMessageId">The service's id for the message.</param>
    /// <returns>The result.</returns>
    public static ProviderResult Sent(string? providerMessageId) => new(ProviderOutcome.Sent, providerMessageId);

    /// <summary>Classifies an HTTP answer: 2xx sent; 408, 429 and 5xx transient (with their <c>Retry-After</c>); other 4xx final.</summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="retryAfter">The answer's <c>Retry-After</c>, if any.</param>
    /// <param name="detail">The service's message id when sent, or its error.</param>
    /// <returns>The result.</returns>
    public static ProviderResult FromHttpStatus(int statusCode, TimeSpan? retryAfter = null, string? detail = null) => statusCode switch
    {
        >= 200 and < 300 => new(ProviderOutcome.Sent, detail),
        408 or 429 or >= 500 => new(ProviderOutcome.Transient, Error: $"HTTP {statusCode}{(detail is null ? "" : ": " + detail)}", RetryAfter: retryAfter),
        _ => new(ProviderOutcome.Final, Error: $"HTTP {statusCode}{(detail is null ? "" : ": " + detail)}"),
    };
}
