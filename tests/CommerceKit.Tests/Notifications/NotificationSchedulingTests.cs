using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Notifications;
using CommerceKit.Notifications;
using CommerceKit.Notifications.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.Tests.Notifications;

/// <summary>Quiet hours and send times in the recipient's zone, across daylight-saving changes, on a fake clock.</summary>
public sealed class NotificationSchedulingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Theory]
    // Berlin springs forward on 2027-03-28 (02:00 → 03:00): quiet until 07:00 CEST, which is 05:00 UTC, not 06:00.
    [InlineData("Europe/Berlin", "2027-03-27T21:30:00Z", "2027-03-28T05:00:00Z")]
    // New York springs forward on 2027-03-14: quiet until 07:00 EDT, which is 11:00 UTC, not 12:00.
    [InlineData("America/New_York", "2027-03-14T03:00:00Z", "2027-03-14T11:00:00Z")]
    // Berlin falls back on 2027-10-31 (03:00 → 02:00): quiet until 07:00 CET, which is 06:00 UTC.
    [InlineData("Europe/Berlin", "2027-10-30T21:30:00Z", "2027-10-31T06:00:00Z")]
    public async Task A_promotion_in_quiet_hours_is_held_and_released_at_their_end_across_a_DST_change(string zone, string now, string release)
    {
        var (clock, dispatcher, provider) = Create(zone);
        clock.SetUtcNow(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        var result = await dispatcher.SendAsync(Promotion());

        var releaseAt = DateTimeOffset.Parse(release, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(releaseAt, (await dispatcher.GetAsync(result.NotificationId!))!.DueAt);
        clock.SetUtcNow(releaseAt.AddSeconds(-1));
        await Task.Delay(300);
        Assert.Empty(provider.Sent);
        Assert.Equal(NotificationState.Pending, (await dispatcher.GetAsync(result.NotificationId!))!.State);
        clock.SetUtcNow(releaseAt);
        await Eventually.HoldsAsync(() => Task.FromResult(provider.Sent.Count == 1), Deadline, "released at the end of quiet hours");
    }

    [Fact]
    public async Task An_order_confirmation_is_not_held_by_quiet_hours()
    {
        var (clock, dispatcher, provider) = Create("Europe/Berlin");
        clock.SetUtcNow(new DateTimeOffset(2027, 3, 27, 23, 0, 0, TimeSpan.Zero));

        await dispatcher.SendAsync(new NotificationRequest { RecipientId = "r", TemplateId = "promotion", Data = Offer });

        await Eventually.HoldsAsync(() => Task.FromResult(provider.Sent.Count == 1), Deadline, "sent at once");
    }

    [Theory]
    // 02:30 does not exist in Berlin on 2027-03-28: it moves forward by the gap, to 03:30 CEST (01:30 UTC).
    [InlineData("Europe/Berlin", "2027-03-28T02:30:00", "2027-03-28T01:30:00Z")]
    // 02:30 happens twice in Berlin on 2027-10-31: the first time, 02:30 CEST (00:30 UTC).
    [InlineData("Europe/Berlin", "2027-10-31T02:30:00", "2027-10-31T00:30:00Z")]
    // 02:15 does not exist in New York on 2027-03-14: 03:15 EDT (07:15 UTC).
    [InlineData("America/New_York", "2027-03-14T02:15:00", "2027-03-14T07:15:00Z")]
    public async Task A_send_time_in_a_DST_gap_or_overlap_is_sent_at_the_right_instant(string zone, string sendAt, string expected)
    {
        var (clock, dispatcher, provider) = Create(zone);
        clock.SetUtcNow(new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero));

        var result = await dispatcher.SendAsync(new NotificationRequest
        {
            RecipientId = "r",
            TemplateId = "promotion",
            Data = Offer,
            SendAt = DateTime.Parse(sendAt, System.Globalization.CultureInfo.InvariantCulture),
            TimeZone = zone,
        });

        var due = DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(due, (await dispatcher.GetAsync(result.NotificationId!))!.DueAt);
        clock.SetUtcNow(due.AddMinutes(-1));
        await Task.Delay(300);
        Assert.Empty(provider.Sent);
        clock.SetUtcNow(due);
        await Eventually.HoldsAsync(() => Task.FromResult(provider.Sent.Count == 1), Deadline, "sent at its time");
    }

    private static readonly Dictionary<string, string> Offer = new() { ["offer"] = "10% off" };

    private static NotificationRequest Promotion() =>
        new() { RecipientId = "r", TemplateId = "promotion", Category = NotificationCategory.Promotional, Data = Offer };

    private static (FakeTimeProvider Clock, INotificationDispatcher Dispatcher, TestProvider Provider) Create(string zone)
    {
        var clock = new FakeTimeProvider();
        var provider = new TestProvider("mail", NotificationChannel.Email);
        var recipients = new TestRecipients();
        recipients.Add("r", r => r with { TimeZone = zone, QuietHours = new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 0)) });
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(clock).AddSingleton<IRecipientDirectory>(recipients);
        services.AddCommerceKit().AddNotifications(notifications => notifications
            .AddProvider(provider)
            .AddTemplate(NotificationBackend.Promotion)
            .Configure(o => o.PollInterval = TimeSpan.FromMilliseconds(50)));
        services.Replace(ServiceDescriptor.Singleton<NotificationStore>(new InMemoryNotificationStore(clock)));
        return (clock, services.BuildServiceProvider().GetRequiredService<INotificationDispatcher>(), provider);
    }
}
