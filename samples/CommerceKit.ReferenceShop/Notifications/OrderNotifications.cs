using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using CommerceKit.Notifications;
using CommerceKit.Outbox;
using CommerceKit.ReferenceShop.Orders;

namespace CommerceKit.ReferenceShop.Notifications;

/// <summary>The event the <c>save-order</c> step commits with a confirmed order.</summary>
internal sealed record OrderPlaced(string OrderId, string CustomerId, string Email, long TotalCents);

/// <summary>
/// Handles <see cref="OrderPlaced"/> once per message (the inbox) by asking the dispatcher for one order-confirmation
/// email and a push, each de-duplicated by the order id: a redelivered event sends nothing again.
/// </summary>
internal sealed class SendOrderConfirmation(IInbox inbox, INotificationDispatcher notifications, CustomerNotifications sent) : IOutboxHandler<OrderPlaced>
{
    private static readonly (NotificationChannel Channel, string Template)[] Confirmations =
        [(NotificationChannel.Email, "order-confirmation"), (NotificationChannel.Push, "order-push")];

    public async ValueTask HandleAsync(OrderPlaced message, OutboxEnvelope envelope, CancellationToken cancellationToken) =>
        await inbox.ProcessOnceAsync("order-confirmation", envelope.Id, async token =>
        {
            foreach (var (channel, template) in Confirmations)
            {
                var result = await notifications.SendAsync(
                    new NotificationRequest
                    {
                        RecipientId = message.CustomerId,
                        TemplateId = template,
                        Channels = [channel],
                        Data = new Dictionary<string, string> { ["orderId"] = message.OrderId, ["total"] = $"{message.TotalCents / 100m:0.00}" },
                        DedupKey = $"{message.OrderId}:{template}",
                    },
                    token);
                if (result.NotificationId is { } id)
                {
                    sent.Add(message.CustomerId, id, channel, template);
                }
            }
        }, cancellationToken);
}

/// <summary>Which notifications the shop asked for each customer (for <c>GET /customers/{id}/notifications</c>).</summary>
internal sealed class CustomerNotifications
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, (NotificationChannel Channel, string Template)>> _byCustomer = new(StringComparer.Ordinal);

    public void Add(string customerId, string notificationId, NotificationChannel channel, string template) =>
        _byCustomer.GetOrAdd(customerId, _ => new(StringComparer.Ordinal))[notificationId] = (channel, template);

    public IReadOnlyList<(string NotificationId, NotificationChannel Channel, string Template)> Of(string customerId) =>
        _byCustomer.TryGetValue(customerId, out var notifications)
            ? [.. notifications.Select(entry => (entry.Key, entry.Value.Channel, entry.Value.Template))]
            : [];
}

/// <summary>Customers as recipients: the email of their latest order, a push device, UTC.</summary>
internal sealed class ShopRecipients(OrderBook orders) : IRecipientDirectory
{
    public ValueTask<Recipient?> GetAsync(string recipientId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(orders.LatestEmail(recipientId) is { } email
            ? new Recipient
            {
                Id = recipientId,
                Addresses = new Dictionary<NotificationChannel, string> { [NotificationChannel.Email] = email, [NotificationChannel.Push] = $"device-{recipientId}" },
            }
            : null);
}

/// <summary>The simulator's email provider.</summary>
internal sealed class SimulatorEmail(IHttpClientFactory http) : SimulatorMessageProvider(http, "mail", NotificationChannel.Email);

/// <summary>The simulator's push provider.</summary>
internal sealed class SimulatorPush(IHttpClientFactory http) : SimulatorMessageProvider(http, "push", NotificationChannel.Push);

/// <summary>An email or push provider of the provider simulator, over HTTP: the notification id is its dedup id.</summary>
internal abstract class SimulatorMessageProvider(IHttpClientFactory clients, string name, NotificationChannel channel) : INotificationProvider
{
    public const string Client = "provider-simulator";

    public string Name { get; } = name;

    public NotificationChannel Channel { get; } = channel;

    public async ValueTask<ProviderResult> SendAsync(RenderedNotification notification, CancellationToken cancellationToken)
    {
        var http = clients.CreateClient(Client);
        using var response = await http.PostAsJsonAsync(
            $"v1/messages/{Name}",
            new { channel = Channel.ToString().ToLowerInvariant(), to = notification.Address, subject = notification.Subject, body = notification.Body, dedupId = notification.NotificationId },
            cancellationToken);
        return response.StatusCode == HttpStatusCode.Accepted
            ? ProviderResult.Sent((await response.Content.ReadFromJsonAsync<MessageAnswer>(cancellationToken))?.MessageId)
            : ProviderResult.FromHttpStatus((int)response.StatusCode, response.Headers.RetryAfter?.Delta);
    }

    private sealed record MessageAnswer(string? MessageId);
}
