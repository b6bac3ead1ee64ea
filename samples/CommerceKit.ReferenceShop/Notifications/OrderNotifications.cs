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
internal sealed class SendOrderConfirmation(IInbox inbox, INotificationDispatcher notifications, ICustomerNotifications sent) : IOutboxHandler<OrderPlaced>
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
                    await sent.AddAsync(message.CustomerId, new CustomerNotification(id, channel, template), token);
                }
            }
        }, cancellationToken);
}

/// <summary>A notification the shop asked for a customer.</summary>
internal sealed record CustomerNotification(string NotificationId, NotificationChannel Channel, string Template);

/// <summary>Which notifications the shop asked for each customer (for <c>GET /customers/{id}/notifications</c>).</summary>
internal interface ICustomerNotifications
{
    /// <summary>Records a notification; recording it again changes nothing.</summary>
    ValueTask AddAsync(string customerId, CustomerNotification notification, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<CustomerNotification>> OfAsync(string customerId, CancellationToken cancellationToken);
}

/// <summary>The embedded list of customers' notifications.</summary>
internal sealed class InMemoryCustomerNotifications : ICustomerNotifications
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, CustomerNotification>> _byCustomer = new(StringComparer.Ordinal);

    public ValueTask AddAsync(string customerId, CustomerNotification notification, CancellationToken cancellationToken)
    {
        _byCustomer.GetOrAdd(customerId, _ => new(StringComparer.Ordinal))[notification.NotificationId] = notification;
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<CustomerNotification>> OfAsync(string customerId, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<CustomerNotification>>(_byCustomer.TryGetValue(customerId, out var notifications) ? [.. notifications.Values] : []);
}

/// <summary>Customers as recipients: the email of their latest order, a push device, UTC.</summary>
internal sealed class ShopRecipients(IOrderBook orders) : IRecipientDirectory
{
    public async ValueTask<Recipient?> GetAsync(string recipientId, CancellationToken cancellationToken) =>
        await orders.LatestEmailAsync(recipientId, cancellationToken) is { } email
            ? new Recipient
            {
                Id = recipientId,
                Addresses = new Dictionary<NotificationChannel, string> { [NotificationChannel.Email] = email, [NotificationChannel.Push] = $"device-{recipientId}" },
            }
            : null;
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
