using System.Collections.Concurrent;
using System.Diagnostics;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Notifications;
using CommerceKit.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CommerceKit.Tests.Notifications;

/// <summary>A promotional flood never holds an order confirmation back behind it.</summary>
public sealed class NotificationPriorityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task With_100000_promotions_queued_1000_order_confirmations_overtake_them()
    {
        const int Promotions = 100_000, Confirmations = 1000;
        var promotionsSent = 0;
        var overtaken = new ConcurrentDictionary<string, int>();
        var latency = new ConcurrentDictionary<string, TimeSpan>();
        var accepted = new ConcurrentDictionary<string, (int PromotionsSent, long Timestamp)>();
        var push = new CallbackProvider("push", NotificationChannel.Push, async _ =>
        {
            await Task.Delay(1);
            Interlocked.Increment(ref promotionsSent);
        });
        var email = new CallbackProvider("mail", NotificationChannel.Email, notification =>
        {
            // How many promotions were sent between this confirmation's acceptance and its send.
            SpinWait.SpinUntil(() => accepted.ContainsKey(notification.NotificationId));
            var (before, at) = accepted[notification.NotificationId];
            overtaken[notification.NotificationId] = Volatile.Read(ref promotionsSent) - before;
            latency[notification.NotificationId] = Stopwatch.GetElapsedTime(at);
            return Task.CompletedTask;
        });
        var recipients = new TestRecipients();
        recipients.Add("flooded");
        var services = new ServiceCollection().AddLogging().AddSingleton<IRecipientDirectory>(recipients);
        services.AddCommerceKit().AddNotifications(notifications => notifications
            .AddProvider(push).AddProvider(email)
            .AddTemplate(NotificationBackend.OrderConfirmation).AddTemplate(NotificationBackend.Promotion)
            .Configure(o => o.PromotionalLimit = 0));
        await using var provider = services.BuildServiceProvider();
        var dispatcher = provider.GetRequiredService<INotificationDispatcher>();

        for (var n = 0; n < Promotions; n++)
        {
            await dispatcher.SendAsync(new NotificationRequest
            {
                RecipientId = "flooded", TemplateId = "promotion", Category = NotificationCategory.Promotional, Channels = [NotificationChannel.Push],
                Data = new Dictionary<string, string> { ["offer"] = $"{n}" },
            });
        }

        var backlog = Promotions - Volatile.Read(ref promotionsSent);
        for (var n = 0; n < Confirmations; n++)
        {
            var before = Volatile.Read(ref promotionsSent);
            var started = Stopwatch.GetTimestamp();
            var result = await dispatcher.SendAsync(new NotificationRequest
            {
                RecipientId = "flooded", TemplateId = "order-confirmation", Data = new Dictionary<string, string> { ["orderId"] = $"{n}" },
            });
            accepted[result.NotificationId!] = (before, started);
            await Task.Delay(TimeSpan.FromMilliseconds(n % 10 == 0 ? 1 : 0));
        }

        await Eventually.HoldsAsync(() => Task.FromResult(overtaken.Count == Confirmations), TimeSpan.FromSeconds(60), "every confirmation sent");
        var sorted = overtaken.Values.Order().ToList();
        var latencies = latency.Values.Order().ToList();
        output.WriteLine($"backlog {backlog} promotions; promotions sent before a confirmation: p50 {sorted[Confirmations / 2]}, p99 {sorted[Confirmations * 99 / 100]}, max {sorted[^1]}; " +
            $"accept → provider p50 {latencies[Confirmations / 2].TotalMilliseconds:F1} ms, p99 {latencies[Confirmations * 99 / 100].TotalMilliseconds:F1} ms");

        // The flood was there, and a confirmation waited for at most the promotions already in senders' hands and in
        // the bounded queue (capacity 256 + 32 senders), never behind the backlog.
        Assert.True(backlog > 10_000, $"only {backlog} promotions were waiting");
        Assert.True(sorted[Confirmations * 99 / 100] <= 256 + 32, $"p99 {sorted[Confirmations * 99 / 100]} promotions went first");
        Assert.True(Volatile.Read(ref promotionsSent) < Promotions, "the flood was still being sent when the confirmations were done");
    }

    private sealed class CallbackProvider(string name, NotificationChannel channel, Func<RenderedNotification, Task> send) : INotificationProvider
    {
        public string Name { get; } = name;

        public NotificationChannel Channel { get; } = channel;

        public async ValueTask<ProviderResult> SendAsync(RenderedNotification notification, CancellationToken cancellationToken)
        {
            await send(notification);
            return ProviderResult.Sent(notification.NotificationId);
        }
    }
}
