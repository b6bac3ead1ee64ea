using System.Threading.RateLimiting;
using CommerceKit.Idempotency;
using CommerceKit.Notifications.Scheduling;
using CommerceKit.RateLimiting;
using Microsoft.Extensions.Options;

namespace CommerceKit.Notifications.Engine;

/// <summary>
/// Accepts notifications: checks the request, de-duplicates it by its key (CommerceKit.Idempotency), applies the
/// recipient's preferences and limits (CommerceKit.RateLimiting), renders it for each usable channel, works out when it
/// may go out (send time, quiet hours, in the recipient's zone), and queues it for the sender.
/// </summary>
internal sealed class NotificationDispatcher : INotificationDispatcher
{
    private const string DedupScope = "notifications";

    private readonly NotificationStore _store;
    private readonly NotificationSender _sender;
    private readonly NotificationDelivery _delivery;
    private readonly IRecipientDirectory _recipients;
    private readonly INotificationRenderer _renderer;
    private readonly IIdempotencyExecutor _idempotency;
    private readonly PartitionedRateLimiter<string>? _promotionalLimit;
    private readonly NotificationOptions _options;
    private readonly TimeProvider _timeProvider;

    public NotificationDispatcher(
        NotificationStore store,
        NotificationSender sender,
        NotificationDelivery delivery,
        IRecipientDirectory recipients,
        INotificationRenderer renderer,
        IIdempotencyExecutor idempotency,
        IRateLimiterProvider rateLimiters,
        IOptions<NotificationOptions> options,
        TimeProvider timeProvider)
    {
        _store = store;
        _sender = sender;
        _delivery = delivery;
        _recipients = recipients;
        _renderer = renderer;
        _idempotency = idempotency;
        _options = options.Value;
        _timeProvider = timeProvider;
        // Resolving the dispatcher starts this instance's sender, with or without a host.
        _sender.EnsureStarted();
        _promotionalLimit = _options.PromotionalLimit > 0
            ? rateLimiters.CreatePartitionedLimiter<string>(
                "notifications-promotional", new FixedWindowPolicy(_options.PromotionalLimit, _options.PromotionalLimitWindow), recipientId => recipientId)
            : null;
    }

    public async ValueTask<DispatchResult> SendAsync(NotificationRequest request, CancellationToken cancellationToken = default)
    {
        var valid = Validate(request);
        if (request.DedupKey is null)
        {
            return await AcceptAsync(valid, cancellationToken).ConfigureAwait(false);
        }

        // Only an accepted notification is remembered under its key: a suppressed, limited or rejected one may be sent
        // again with the same key once the reason is gone.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AcceptOnceAsync(valid, cancellationToken).ConfigureAwait(false);
            }
            catch (IdempotencyKeyInUseException) when (attempt < 50)
            {
                // The same key is being accepted right now (elsewhere): it is a duplicate once that is done.
                await Task.Delay(TimeSpan.FromMilliseconds(100), _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<DispatchResult> AcceptOnceAsync(ValidRequest valid, CancellationToken cancellationToken)
    {
        var request = valid.Request;
        try
        {
            var accepted = await _idempotency.ExecuteAsync(
                new IdempotencyKey(DedupScope, request.DedupKey!),
                "notification",
                async (_, token) =>
                {
                    var result = await AcceptAsync(valid, token).ConfigureAwait(false);
                    return result.Outcome == DispatchOutcome.Accepted ? result.NotificationId! : throw new NotAcceptedException(result);
                },
                cancellationToken).ConfigureAwait(false);
            return new DispatchResult(accepted.IsReplay ? DispatchOutcome.Duplicate : DispatchOutcome.Accepted, accepted.Value);
        }
        catch (NotAcceptedException notAccepted)
        {
            return notAccepted.Result;
        }
    }

    public async ValueTask<NotificationStatus?> GetAsync(string notificationId, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(notificationId);
        return await _store.GetAsync(notificationId, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> ReportReceiptAsync(string notificationId, DeliveryReceipt receipt, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(notificationId);
        if (!Enum.IsDefined(receipt))
        {
            throw new ArgumentOutOfRangeException(nameof(receipt), receipt, "Unknown receipt.");
        }

        return await _store.ReportReceiptAsync(notificationId, receipt, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<NotificationStatus>> GetDeadLettersAsync(int maxCount = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, 1000);
        return await _store.GetDeadLettersAsync(maxCount, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> RedriveAsync(string notificationId, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(notificationId);
        return await _store.RedriveAsync(notificationId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DispatchResult> AcceptAsync(ValidRequest valid, CancellationToken cancellationToken)
    {
        var request = valid.Request;
        var recipient = await _recipients.GetAsync(request.RecipientId, cancellationToken).ConfigureAwait(false);
        if (recipient is null)
        {
            return new DispatchResult(DispatchOutcome.Rejected, Reason: $"Recipient '{request.RecipientId}' is unknown.");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(recipient.TimeZone, out var zone))
        {
            return new DispatchResult(DispatchOutcome.Rejected, Reason: $"Recipient '{recipient.Id}' has time zone '{recipient.TimeZone}', which is not a known IANA zone.");
        }

        var reachable = request.Channels.Where(channel => recipient.Addresses.ContainsKey(channel) && _delivery.HasProvider(channel)).ToList();
        if (reachable.Count == 0)
        {
            return new DispatchResult(DispatchOutcome.Rejected, Reason: $"Recipient '{recipient.Id}' has no address on a requested channel with a provider ({string.Join(", ", request.Channels)}).");
        }

        var usable = reachable.Where(channel => !recipient.Unsubscribed.Contains(channel) && !OptedOut(recipient, channel, request.Category)).ToList();
        if (usable.Count == 0)
        {
            return new DispatchResult(DispatchOutcome.Suppressed, Reason: $"Recipient '{recipient.Id}' unsubscribed or opted out of {request.Category.ToString().ToLowerInvariant()} notifications on {string.Join(", ", reachable)}.");
        }

        if (request.DigestKey is not null)
        {
            return await AddToDigestAsync(valid, recipient, zone, usable, cancellationToken).ConfigureAwait(false);
        }

        if (request.Category == NotificationCategory.Promotional && _promotionalLimit is not null)
        {
            using var lease = await _promotionalLimit.AcquireAsync(recipient.Id, 1, cancellationToken).ConfigureAwait(false);
            if (!lease.IsAcquired)
            {
                return new DispatchResult(
                    DispatchOutcome.RateLimited,
                    Reason: $"Recipient '{recipient.Id}' reached the promotional limit ({_options.PromotionalLimit} per {_options.PromotionalLimitWindow}).",
                    RetryAfter: lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : null);
            }
        }

        var notificationId = Guid.CreateVersion7().ToString("N");
        await _store.EnqueueAsync(
            new QueuedNotification
            {
                NotificationId = notificationId,
                RecipientId = recipient.Id,
                Category = request.Category,
                DueAt = DueAt(request, valid.SendAtZone ?? zone, recipient.QuietHours, zone),
                Deliveries = Deliveries(valid, recipient, usable, notificationId),
            },
            cancellationToken).ConfigureAwait(false);

        // This instance's sender learns of it at once; others find it when they next poll.
        _sender.Wake();
        return new DispatchResult(DispatchOutcome.Accepted, notificationId);
    }

    // A digest item waits for its window to close; the digest, one message, is what counts against no limit.
    private async Task<DispatchResult> AddToDigestAsync(
        ValidRequest valid, Recipient recipient, TimeZoneInfo zone, List<NotificationChannel> usable, CancellationToken cancellationToken)
    {
        var request = valid.Request;
        var itemId = Guid.CreateVersion7().ToString("N");

        // A window that has ended on the backend's clock refuses the item (this clock may be behind): the next one takes it.
        var windowEnd = DigestWindows.End(_timeProvider.GetUtcNow(), _options.DigestWindow, zone);
        while (true)
        {
            var digestId = DigestWindows.NotificationId(recipient.Id, request.DigestKey!, windowEnd);
            var item = new DigestItem
            {
                ItemId = itemId,
                RecipientId = recipient.Id,
                DigestKey = request.DigestKey!,
                WindowEnd = windowEnd,
                Deliveries = Deliveries(valid, recipient, usable, digestId),
            };
            if (await _store.AddToDigestAsync(item, cancellationToken).ConfigureAwait(false))
            {
                return new DispatchResult(DispatchOutcome.Accepted, digestId);
            }

            windowEnd = DigestWindows.End(windowEnd, _options.DigestWindow, zone);
        }
    }

    // The request was rendered for each of its channels when it was validated.
    private static List<RenderedNotification> Deliveries(ValidRequest valid, Recipient recipient, List<NotificationChannel> usable, string notificationId) =>
        [.. usable.Select(channel =>
        {
            var (subject, body) = valid.Contents[channel];
            return new RenderedNotification(notificationId, recipient.Id, channel, recipient.Addresses[channel], valid.Request.Category, subject, body);
        })];

    private bool OptedOut(Recipient recipient, NotificationChannel channel, NotificationCategory category) =>
        recipient.PromotionalOptOuts.Contains(channel)
        && (category == NotificationCategory.Promotional || !_options.TransactionalIgnoresPromotionalOptOuts);

    // Now, or the send time; promotions falling in the recipient's quiet hours are held until they end.
    private DateTimeOffset DueAt(NotificationRequest request, TimeZoneInfo sendAtZone, QuietHours? quietHours, TimeZoneInfo recipientZone)
    {
        var now = _timeProvider.GetUtcNow();
        var due = request.SendAt is { } sendAt && LocalTimes.ToInstant(sendAt, sendAtZone) is var scheduled && scheduled > now ? scheduled : now;
        return request.Category == NotificationCategory.Promotional && quietHours is not null
            ? LocalTimes.AfterQuietHours(due, quietHours, recipientZone)
            : due;
    }

    // Everything wrong with the request itself, before anything is done; rendering for every requested channel
    // catches an unknown template or a missing variable now, not at send time on another instance.
    private ValidRequest Validate(NotificationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        KeyGuard.ThrowIfInvalid(request.RecipientId, nameof(request));
        KeyGuard.ThrowIfInvalid(request.TemplateId, nameof(request));
        if (request.DedupKey is not null)
        {
            KeyGuard.ThrowIfInvalid(request.DedupKey, nameof(request));
        }

        if (!Enum.IsDefined(request.Category))
        {
            throw new ArgumentException($"Unknown notification category {request.Category}.", nameof(request));
        }

        if (request.Channels is null || request.Channels.Count == 0 || request.Channels.Any(channel => !Enum.IsDefined(channel)))
        {
            throw new ArgumentException("A notification needs at least one known channel.", nameof(request));
        }

        ArgumentNullException.ThrowIfNull(request.Data, nameof(request));
        TimeZoneInfo? zone = null;
        if (request.TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(request.TimeZone, out zone))
        {
            throw new ArgumentException($"Time zone '{request.TimeZone}' is not a known IANA time zone.", nameof(request));
        }

        if (request.DigestKey is not null)
        {
            KeyGuard.ThrowIfInvalid(request.DigestKey, nameof(request));
            if (request.Category != NotificationCategory.Promotional || request.SendAt is not null)
            {
                throw new ArgumentException("Only promotional notifications without a send time can go into a digest.", nameof(request));
            }
        }

        if (request.SendAt is { Kind: not DateTimeKind.Unspecified })
        {
            throw new ArgumentException("SendAt is a local time in TimeZone (or the recipient's zone): give it with DateTimeKind.Unspecified.", nameof(request));
        }

        var contents = request.Channels.Distinct().ToDictionary(channel => channel, channel => _renderer.Render(request.TemplateId, channel, request.Data));
        return new ValidRequest(request, zone, contents);
    }

    /// <summary>A request that passed validation: the zone of its send time, and its content rendered for each channel.</summary>
    private sealed record ValidRequest(
        NotificationRequest Request, TimeZoneInfo? SendAtZone, IReadOnlyDictionary<NotificationChannel, (string? Subject, string Body)> Contents);

    private sealed class NotAcceptedException(DispatchResult result) : Exception
    {
        public DispatchResult Result { get; } = result;
    }
}
