using System.Collections.Concurrent;
using CommerceKit.Notifications;

namespace CommerceKit.ConformanceTests.Notifications;

/// <summary>A provider the test controls: it records what it sent, and fails while told to.</summary>
public sealed class TestProvider(string name, NotificationChannel channel) : INotificationProvider
{
    private int _calls;

    public string Name { get; } = name;

    public NotificationChannel Channel { get; } = channel;

    /// <summary>What it accepted, in order.</summary>
    public ConcurrentQueue<RenderedNotification> Sent { get; } = new();

    /// <summary>Every call, by notification id.</summary>
    public ConcurrentDictionary<string, int> Calls { get; } = new();

    /// <summary>Answers a call instead of sending, while set (return null to send).</summary>
    public Func<RenderedNotification, int, ProviderResult?>? Failure { get; set; }

    /// <summary>Throws on every call while set, as a provider whose service is down does.</summary>
    public volatile bool Down;

    public int CallCount => Volatile.Read(ref _calls);

    public ValueTask<ProviderResult> SendAsync(RenderedNotification notification, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        var call = Calls.AddOrUpdate(notification.NotificationId, 1, (_, count) => count + 1);
        if (Down)
        {
            throw new HttpRequestException("connection refused");
        }

        if (Failure?.Invoke(notification, call) is { } failure)
        {
            return ValueTask.FromResult(failure);
        }

        Sent.Enqueue(notification);
        return ValueTask.FromResult(ProviderResult.Sent($"{Name}-{notification.NotificationId}"));
    }
}

/// <summary>Recipients the test defines.</summary>
public sealed class TestRecipients : IRecipientDirectory
{
    public ConcurrentDictionary<string, Recipient> Recipients { get; } = new();

    public Recipient Add(string id, Func<Recipient, Recipient>? change = null)
    {
        var recipient = new Recipient
        {
            Id = id,
            Addresses = new Dictionary<NotificationChannel, string>
            {
                [NotificationChannel.Email] = $"{id}@example.com",
                [NotificationChannel.Sms] = "+15550100",
                [NotificationChannel.Push] = $"device-{id}",
            },
        };
        recipient = change?.Invoke(recipient) ?? recipient;
        Recipients[id] = recipient;
        return recipient;
    }

    public ValueTask<Recipient?> GetAsync(string recipientId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Recipients.GetValueOrDefault(recipientId));
}
