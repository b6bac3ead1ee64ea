namespace CommerceKit.Notifications;

/// <summary>Accepts notifications and sends them through the registered providers, in the background.</summary>
public interface INotificationDispatcher
{
    /// <summary>
    /// Checks a request against the recipient's preferences and limits, renders it (so a missing template variable
    /// fails here), and accepts it for sending; the answer says what was done.
    /// </summary>
    /// <param name="request">The notification.</param>
    /// <param name="cancellationToken">Cancels the request before it is accepted.</param>
    /// <returns>Accepted, duplicate, suppressed, rate-limited or rejected, with the reason.</returns>
    /// <exception cref="ArgumentException">The request is invalid: an invalid id or key, no channel, an unknown template, a
    /// missing template variable, an invalid time zone, or a <see cref="NotificationRequest.SendAt"/> with a time zone offset.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached: nothing was accepted.</exception>
    ValueTask<DispatchResult> SendAsync(NotificationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads an accepted notification's status and every delivery attempt.</summary>
    /// <param name="notificationId">The notification.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The status; <see langword="null"/> when no notification has that id.</returns>
    ValueTask<NotificationStatus?> GetAsync(string notificationId, CancellationToken cancellationToken = default);

    /// <summary>Records what the provider reported about a sent notification.</summary>
    /// <param name="notificationId">The notification.</param>
    /// <param name="receipt">Delivered or bounced.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="false"/> when no sent notification has that id.</returns>
    ValueTask<bool> ReportReceiptAsync(string notificationId, DeliveryReceipt receipt, CancellationToken cancellationToken = default);

    /// <summary>Lists dead letters (notifications no provider could send), oldest first.</summary>
    /// <param name="maxCount">At most this many, from 1 to 1,000.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The dead letters, with their attempts.</returns>
    ValueTask<IReadOnlyList<NotificationStatus>> GetDeadLettersAsync(int maxCount = 100, CancellationToken cancellationToken = default);

    /// <summary>Sends a dead letter again, at once.</summary>
    /// <param name="notificationId">The dead letter.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="false"/> when no dead letter has that id.</returns>
    ValueTask<bool> RedriveAsync(string notificationId, CancellationToken cancellationToken = default);
}
