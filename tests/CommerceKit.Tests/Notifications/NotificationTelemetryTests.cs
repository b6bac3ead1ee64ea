using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Notifications;
using CommerceKit.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Tests.Notifications;

public sealed class NotificationTelemetryTests
{
    [Fact]
    public async Task Attempts_failovers_dead_letters_latency_and_queue_depth_are_measured()
    {
        // Provider names only this test uses, so that parallel tests' measurements are not counted.
        var failing = new TestProvider("telemetry-failing", NotificationChannel.Email) { Failure = (_, _) => ProviderResult.FromHttpStatus(503) };
        var backup = new TestProvider("telemetry-backup", NotificationChannel.Email);
        using var recorder = new MeasurementRecorder("commercekit.notification.");
        var measurements = recorder.Measurements;
        var recipients = new TestRecipients();
        recipients.Add("measured");
        var services = new ServiceCollection().AddLogging().AddSingleton<IRecipientDirectory>(recipients);
        services.AddCommerceKit().AddNotifications(notifications => notifications
            .AddProvider(failing).AddProvider(backup).AddTemplate(NotificationBackend.OrderConfirmation)
            .Configure(o =>
            {
                o.AttemptsPerProvider = 2;
                o.RetryDelay = TimeSpan.Zero;
                o.MetricsInterval = TimeSpan.FromMilliseconds(50);
            }));
        await using var provider = services.BuildServiceProvider();
        var dispatcher = provider.GetRequiredService<INotificationDispatcher>();

        var sent = await dispatcher.SendAsync(Order("1"));
        await Eventually.HoldsAsync(async () => (await dispatcher.GetAsync(sent.NotificationId!))?.State == NotificationState.Sent, TimeSpan.FromSeconds(10), "sent");
        backup.Failure = (_, _) => ProviderResult.FromHttpStatus(400);
        var dead = await dispatcher.SendAsync(Order("2"));
        await Eventually.HoldsAsync(async () => (await dispatcher.GetAsync(dead.NotificationId!))?.State == NotificationState.DeadLettered, TimeSpan.FromSeconds(10), "dead");
        await Task.Delay(200);
        recorder.RecordObservables();

        Assert.Equal(4, measurements.Count(m => m.Instrument == "commercekit.notification.attempts" && (string?)m.Tags["commercekit.notification.provider"] == "telemetry-failing"));
        Assert.Single(measurements, m => m.Instrument == "commercekit.notification.attempts" && (string?)m.Tags["commercekit.notification.provider"] == "telemetry-backup" && (string?)m.Tags["commercekit.notification.outcome"] == "Sent");
        Assert.Equal(3, measurements.Count(m => m.Instrument == "commercekit.notification.failovers" && ((string?)m.Tags["commercekit.notification.provider"])!.StartsWith("telemetry-", StringComparison.Ordinal)));
        Assert.Contains(measurements, m => m.Instrument == "commercekit.notification.dead_lettered");
        Assert.Contains(measurements, m => m.Instrument == "commercekit.notification.send.latency");
        Assert.Contains(measurements, m => m.Instrument == "commercekit.notification.queue.depth" && (string?)m.Tags["commercekit.notification.category"] == "Transactional");
    }

    private static NotificationRequest Order(string orderId) => new()
    {
        RecipientId = "measured",
        TemplateId = "order-confirmation",
        Data = new Dictionary<string, string> { ["orderId"] = orderId },
    };
}
