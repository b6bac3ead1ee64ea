using System.Diagnostics;
using CommerceKit.ConformanceTests.Coverage;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Notifications;

namespace CommerceKit.ConformanceTests.Notifications;

/// <summary>
/// What every notification backend must do under the dispatcher: send accepted notifications once, de-duplicate,
/// respect preferences and limits, retry, fail over to the next provider and channel, dead-letter and re-drive,
/// record receipts, and share the queue between instances without sending twice.
/// </summary>
[ConformanceSuite("Notifications", ConformanceBackend.InMemory, ConformanceBackend.PostgreSql)]
public abstract class NotificationConformanceTests : BackendSuite<NotificationBackend>
{
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];
    private readonly TestRecipients _recipients = new();

    protected string Id(string name) => $"{name}-{_id}";

    [Fact]
    public async Task An_accepted_notification_is_rendered_and_sent_once_with_its_id_as_the_providers_dedup_id()
    {
        var email = new TestProvider("mail", NotificationChannel.Email);
        var dispatcher = Backend.CreateInstance(_recipients, [email]).Dispatcher;
        _recipients.Add(Id("ann"));

        var result = await dispatcher.SendAsync(Order(Id("ann"), "1001"));

        Assert.Equal(DispatchOutcome.Accepted, result.Outcome);
        var status = await SentAsync(dispatcher, result.NotificationId!);
        var sent = Assert.Single(email.Sent);
        Assert.Equal((result.NotificationId, $"{Id("ann")}@example.com", "Your order 1001", "Order 1001 is confirmed."), (sent.NotificationId, sent.Address, sent.Subject, sent.Body));
        Assert.Equal(("mail", $"mail-{result.NotificationId}", NotificationCategory.Transactional), (status.SentBy, status.ProviderMessageId, status.Category));
        Assert.Equal(ProviderOutcome.Sent, Assert.Single(status.Attempts).Outcome);
    }

    [Fact]
    public async Task The_same_dedup_key_is_sent_once_and_answered_duplicate_with_the_first_id()
    {
        var email = new TestProvider("mail", NotificationChannel.Email);
        var dispatcher = Backend.CreateInstance(_recipients, [email]).Dispatcher;
        _recipients.Add(Id("dee"));

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            dispatcher.SendAsync(Order(Id("dee"), "1002") with { DedupKey = Id("order-1002") }).AsTask()));

        var accepted = Assert.Single(results, result => result.Outcome == DispatchOutcome.Accepted);
        Assert.All(results.Where(result => result != accepted), result => Assert.Equal((DispatchOutcome.Duplicate, accepted.NotificationId), (result.Outcome, result.NotificationId)));
        await SentAsync(dispatcher, accepted.NotificationId!);
        await Task.Delay(200);
        Assert.Single(email.Sent);
    }

    [Fact]
    public async Task Preferences_suppress_opted_out_and_unsubscribed_channels_and_transactional_passes_promotional_opt_outs()
    {
        var email = new TestProvider("mail", NotificationChannel.Email);
        var sms = new TestProvider("sms", NotificationChannel.Sms);
        var dispatcher = Backend.CreateInstance(_recipients, [email, sms]).Dispatcher;
        _recipients.Add(Id("opt"), r => r with { PromotionalOptOuts = new HashSet<NotificationChannel> { NotificationChannel.Email }, Unsubscribed = new HashSet<NotificationChannel> { NotificationChannel.Sms } });

        var promotion = await dispatcher.SendAsync(Promotion(Id("opt")) with { Channels = [NotificationChannel.Email, NotificationChannel.Sms] });
        var order = await dispatcher.SendAsync(Order(Id("opt"), "1003") with { Channels = [NotificationChannel.Sms, NotificationChannel.Email] });

        Assert.Equal(DispatchOutcome.Suppressed, promotion.Outcome);
        Assert.Contains("opted out", promotion.Reason);
        Assert.Equal(DispatchOutcome.Accepted, order.Outcome);
        var status = await SentAsync(dispatcher, order.NotificationId!);
        Assert.Equal("mail", status.SentBy);
        Assert.Empty(sms.Sent);
    }

    [Fact]
    public async Task Promotions_beyond_the_recipients_limit_are_rate_limited_with_a_retry_after()
    {
        var dispatcher = Backend.CreateInstance(_recipients, [new TestProvider("mail", NotificationChannel.Email)], o => o.PromotionalLimit = 3).Dispatcher;
        _recipients.Add(Id("lim"));

        var results = new List<DispatchResult>();
        for (var n = 0; n < 4; n++)
        {
            results.Add(await dispatcher.SendAsync(Promotion(Id("lim"))));
        }

        Assert.Equal([DispatchOutcome.Accepted, DispatchOutcome.Accepted, DispatchOutcome.Accepted, DispatchOutcome.RateLimited], results.Select(result => result.Outcome));
        Assert.True(results[3].RetryAfter > TimeSpan.Zero);
        Assert.Equal(DispatchOutcome.Accepted, (await dispatcher.SendAsync(Order(Id("lim"), "1004"))).Outcome);
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_result_or_an_argument_exception()
    {
        var dispatcher = Backend.CreateInstance(_recipients, [new TestProvider("mail", NotificationChannel.Email)]).Dispatcher;
        _recipients.Add(Id("bad"));
        _recipients.Add(Id("no-mail"), r => r with { Addresses = new Dictionary<NotificationChannel, string> { [NotificationChannel.Sms] = "+15550100" } });
        _recipients.Add(Id("nowhere"), r => r with { TimeZone = "Mars/Olympus_Mons" });

        var unknown = await dispatcher.SendAsync(Order(Id("nobody"), "1"));
        var noChannel = await dispatcher.SendAsync(Order(Id("no-mail"), "1"));
        var badZone = await dispatcher.SendAsync(Order(Id("nowhere"), "1"));

        Assert.Equal(DispatchOutcome.Rejected, unknown.Outcome);
        Assert.Contains("unknown", unknown.Reason);
        Assert.Equal(DispatchOutcome.Rejected, noChannel.Outcome);
        Assert.Contains("no address", noChannel.Reason);
        Assert.Equal(DispatchOutcome.Rejected, badZone.Outcome);
        Assert.Contains("Mars/Olympus_Mons", badZone.Reason);
        await AssertBadAsync(Order("", "1"));
        await AssertBadAsync(Order(Id("bad"), "1") with { Channels = [] });
        await AssertBadAsync(Order(Id("bad"), "1") with { TemplateId = "no-such-template" });
        await AssertBadAsync(Order(Id("bad"), "1") with { Data = new Dictionary<string, string>() }, "{{orderId}}");
        await AssertBadAsync(Order(Id("bad"), "1") with { TimeZone = "Not/AZone", SendAt = new DateTime(2027, 1, 1, 9, 0, 0) }, "Not/AZone");
        await AssertBadAsync(Order(Id("bad"), "1") with { SendAt = new DateTime(2027, 1, 1, 9, 0, 0, DateTimeKind.Utc) });

        async Task AssertBadAsync(NotificationRequest request, string? message = null)
        {
            var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => dispatcher.SendAsync(request).AsTask());
            Assert.Equal("request", error.ParamName);
            if (message is not null)
            {
                Assert.Contains(message, error.Message);
            }
        }
    }

    [Fact]
    public async Task A_failing_provider_passes_to_the_next_one_and_a_failing_channel_to_the_next_channel_with_every_attempt_logged()
    {
        var primary = new TestProvider("mail-primary", NotificationChannel.Email) { Failure = (_, _) => new ProviderResult(ProviderOutcome.Transient, Error: "HTTP 503") };
        var backup = new TestProvider("mail-backup", NotificationChannel.Email) { Failure = (_, _) => ProviderResult.FromHttpStatus(400, detail: "bad address") };
        var sms = new TestProvider("sms", NotificationChannel.Sms);
        var dispatcher = Backend.CreateInstance(_recipients, [primary, backup, sms], o => o.AttemptsPerProvider = 3).Dispatcher;
        _recipients.Add(Id("fail"));

        var result = await dispatcher.SendAsync(Order(Id("fail"), "1005") with { Channels = [NotificationChannel.Email, NotificationChannel.Sms] });

        var status = await SentAsync(dispatcher, result.NotificationId!);
        Assert.Equal("sms", status.SentBy);
        Assert.Equal("Order 1005 OK", Assert.Single(sms.Sent).Body);
        Assert.Equal(
            ["mail-primary Transient", "mail-primary Transient", "mail-primary Transient", "mail-backup Final", "sms Sent"],
            status.Attempts.Select(attempt => $"{attempt.Provider} {attempt.Outcome}"));
        Assert.Equal(1, backup.CallCount);
    }

    [Fact]
    public async Task A_retry_after_is_honoured_before_the_next_attempt()
    {
        var email = new TestProvider("mail", NotificationChannel.Email)
        {
            Failure = (_, call) => call == 1 ? ProviderResult.FromHttpStatus(429, TimeSpan.FromMilliseconds(500)) : null,
        };
        var dispatcher = Backend.CreateInstance(_recipients, [email]).Dispatcher;
        _recipients.Add(Id("slow"));

        var result = await dispatcher.SendAsync(Order(Id("slow"), "1006"));

        var status = await SentAsync(dispatcher, result.NotificationId!);
        Assert.Equal([ProviderOutcome.Transient, ProviderOutcome.Sent], status.Attempts.Select(attempt => attempt.Outcome));
        Assert.True(status.Attempts[1].At - status.Attempts[0].At >= TimeSpan.FromMilliseconds(450), $"{status.Attempts[1].At - status.Attempts[0].At}");
    }

    [Fact]
    public async Task A_notification_no_provider_can_send_is_a_dead_letter_until_re_driven()
    {
        var email = new TestProvider("mail", NotificationChannel.Email) { Failure = (_, _) => ProviderResult.FromHttpStatus(500) };
        var dispatcher = Backend.CreateInstance(_recipients, [email], o => o.AttemptsPerProvider = 2).Dispatcher;
        _recipients.Add(Id("dead"));

        var result = await dispatcher.SendAsync(Order(Id("dead"), "1007"));
        await Eventually.HoldsAsync(async () => (await dispatcher.GetAsync(result.NotificationId!))?.State == NotificationState.DeadLettered, Deadline, "dead-lettered");

        var dead = Assert.Single(await dispatcher.GetDeadLettersAsync(1000), status => status.NotificationId == result.NotificationId);
        Assert.Equal(2, dead.Attempts.Count);
        email.Failure = null;
        Assert.True(await dispatcher.RedriveAsync(result.NotificationId!));
        var sent = await SentAsync(dispatcher, result.NotificationId!);
        Assert.Equal(3, sent.Attempts.Count);
        Assert.False(await dispatcher.RedriveAsync(result.NotificationId!));
    }

    [Fact]
    public async Task Receipts_update_a_sent_notifications_status()
    {
        var dispatcher = Backend.CreateInstance(_recipients, [new TestProvider("mail", NotificationChannel.Email)]).Dispatcher;
        _recipients.Add(Id("rec"));
        var delivered = await dispatcher.SendAsync(Order(Id("rec"), "1008"));
        var bounced = await dispatcher.SendAsync(Order(Id("rec"), "1009"));
        await SentAsync(dispatcher, delivered.NotificationId!);
        await SentAsync(dispatcher, bounced.NotificationId!);

        Assert.True(await dispatcher.ReportReceiptAsync(delivered.NotificationId!, DeliveryReceipt.Delivered));
        Assert.True(await dispatcher.ReportReceiptAsync(bounced.NotificationId!, DeliveryReceipt.Bounced));

        Assert.Equal(NotificationState.Delivered, (await dispatcher.GetAsync(delivered.NotificationId!))!.State);
        Assert.Equal(NotificationState.Bounced, (await dispatcher.GetAsync(bounced.NotificationId!))!.State);
        Assert.False(await dispatcher.ReportReceiptAsync(Id("unknown"), DeliveryReceipt.Delivered));
    }

    [Fact]
    public async Task Two_instances_share_the_queue_and_send_each_notification_once()
    {
        var email = new TestProvider("mail", NotificationChannel.Email);
        var instances = new[] { Backend.CreateInstance(_recipients, [email]), Backend.CreateInstance(_recipients, [email]) };
        _recipients.Add(Id("two"));

        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(n => instances[n % 2].Dispatcher.SendAsync(Order(Id("two"), $"{n}")).AsTask()));

        await Eventually.HoldsAsync(() => Task.FromResult(email.Sent.Count >= 300), Deadline, "300 sent");
        await Task.Delay(300);
        Assert.Equal(300, email.Sent.Count);
        Assert.Equal(results.Select(result => result.NotificationId).Order(), email.Sent.Select(sent => sent.NotificationId).Order());
    }

    [Fact]
    public async Task With_the_primary_down_for_ten_seconds_under_load_the_backup_delivers_every_message_none_twice()
    {
        var primary = new TestProvider("mail-primary", NotificationChannel.Email) { Down = true };
        var backup = new TestProvider("mail-backup", NotificationChannel.Email);
        var dispatcher = Backend.CreateInstance(_recipients, [primary, backup], o => o.AttemptsPerProvider = 2).Dispatcher;
        _recipients.Add(Id("load"));
        var outage = Stopwatch.StartNew();

        var accepted = new List<string>();
        while (outage.Elapsed < TimeSpan.FromSeconds(8))
        {
            foreach (var result in await Task.WhenAll(Enumerable.Range(0, 20).Select(n => dispatcher.SendAsync(Order(Id("load"), $"{accepted.Count + n}")).AsTask())))
            {
                accepted.Add(result.NotificationId!);
            }

            await Task.Delay(50);
        }

        await Eventually.HoldsAsync(() => Task.FromResult(backup.Sent.Count >= accepted.Count), Deadline, "every message sent by the backup");
        await Task.Delay(TimeSpan.FromSeconds(10) - outage.Elapsed is { } left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
        primary.Down = false;
        await Task.Delay(500);

        Assert.Empty(primary.Sent);
        Assert.Equal(accepted.Order(), backup.Sent.Select(sent => sent.NotificationId).Order());
        Assert.True(primary.CallCount < accepted.Count * 2, $"the open circuit spared the primary: {primary.CallCount} calls for {accepted.Count} messages");
    }

    [Fact]
    public async Task Five_hundred_promotions_with_one_digest_key_become_one_message_when_the_window_closes_on_two_instances()
    {
        var push = new TestProvider("push", NotificationChannel.Push);
        NotificationInstance[] instances =
        [
            Backend.CreateInstance(_recipients, [push], Digests),
            Backend.CreateInstance(_recipients, [push], Digests),
        ];
        _recipients.Add(Id("dig"));

        var results = await Task.WhenAll(Enumerable.Range(0, 500).Select(n => instances[n % 2].Dispatcher.SendAsync(Promotion(Id("dig")) with
        {
            Channels = [NotificationChannel.Push],
            DigestKey = "price-drops",
            Data = new Dictionary<string, string> { ["offer"] = $"offer {n}" },
        }).AsTask()));

        Assert.All(results, result => Assert.Equal(DispatchOutcome.Accepted, result.Outcome));
        var digestIds = results.Select(result => result.NotificationId).Distinct().ToList();
        await Eventually.HoldsAsync(() => Task.FromResult(push.Sent.Count >= digestIds.Count), Deadline, "the digests sent");
        await Task.Delay(1500);

        // One message per window the burst touched (one, unless it straddled a window's end), holding every offer once.
        Assert.Equal(digestIds.Order(), push.Sent.Select(sent => sent.NotificationId).Order());
        var lines = push.Sent.SelectMany(sent => sent.Body.Split('\n')).ToList();
        Assert.Equal(Enumerable.Range(0, 500).Select(n => $"offer {n} today only.").Order(), lines.Order());
        Assert.True(digestIds.Count <= 2, $"{digestIds.Count} windows");
    }

    private static void Digests(NotificationOptions options)
    {
        options.DigestWindow = TimeSpan.FromSeconds(3);
        options.DigestMargin = TimeSpan.FromSeconds(1);
        options.PromotionalLimit = 0;
    }

    private static NotificationRequest Order(string recipientId, string orderId) => new()
    {
        RecipientId = recipientId,
        TemplateId = "order-confirmation",
        Data = new Dictionary<string, string> { ["orderId"] = orderId },
    };

    private static NotificationRequest Promotion(string recipientId) => new()
    {
        RecipientId = recipientId,
        TemplateId = "promotion",
        Category = NotificationCategory.Promotional,
        Data = new Dictionary<string, string> { ["offer"] = "10% off" },
    };

    private static async Task<NotificationStatus> SentAsync(INotificationDispatcher dispatcher, string notificationId)
    {
        NotificationStatus? status = null;
        await Eventually.HoldsAsync(async () => (status = await dispatcher.GetAsync(notificationId))?.State == NotificationState.Sent, Deadline, $"notification {notificationId} sent");
        return status!;
    }
}
