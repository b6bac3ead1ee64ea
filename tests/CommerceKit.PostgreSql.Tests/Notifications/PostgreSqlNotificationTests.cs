using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Notifications;
using CommerceKit.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.PostgreSql.Tests.Notifications;

public sealed class PostgreSqlNotificationTests(PostgreSqlServerFixture postgres) : NotificationConformanceTests, IClassFixture<PostgreSqlServerFixture>
{
    protected override NotificationBackend CreateBackend() => new PostgreSqlNotificationBackend(postgres.ConnectionString);

    [Fact]
    public async Task Five_thousand_accepted_unsent_notifications_are_all_sent_once_after_a_restart_by_two_instances()
    {
        const int Count = 5000;
        var recipients = new TestRecipients();
        recipients.Add("restart");
        var backend = new PostgreSqlNotificationBackend(postgres.ConnectionString);
        await using (backend)
        {
            // The first run accepts and stops before sending anything.
            var accepting = backend.CreateInstance(recipients, [new TestProvider("mail", NotificationChannel.Email)], o => o.SenderEnabled = false);
            for (var n = 0; n < Count; n += 100)
            {
                await Task.WhenAll(Enumerable.Range(n, 100).Select(i => accepting.Dispatcher.SendAsync(new NotificationRequest
                {
                    RecipientId = "restart",
                    TemplateId = "order-confirmation",
                    Data = new Dictionary<string, string> { ["orderId"] = $"{i}" },
                }).AsTask()));
            }

            Assert.Equal(Count, await accepting.Store.CountPendingAsync(NotificationCategory.Transactional, default));
            await ((IAsyncDisposable)accepting.Services).DisposeAsync();

            // After the restart, two instances share the queue.
            var mail = new TestProvider("mail", NotificationChannel.Email);
            backend.CreateInstance(recipients, [mail]).Dispatcher.ToString();
            backend.CreateInstance(recipients, [mail]).Dispatcher.ToString();
            await Eventually.HoldsAsync(() => Task.FromResult(mail.Sent.Count >= Count), TimeSpan.FromSeconds(120), $"{Count} sent");
            await Task.Delay(500);

            Assert.Equal(Count, mail.Sent.Count);
            Assert.Equal(Count, mail.Sent.Select(sent => sent.NotificationId).Distinct().Count());
        }
    }
}

/// <summary>The PostgreSQL notification store in a schema of its own (a sender claims every due notification of its schema).</summary>
internal sealed class PostgreSqlNotificationBackend(string connectionString) : NotificationBackend
{
    public string Schema { get; } = "notifications_" + Guid.NewGuid().ToString("N")[..12];

    protected override void AddBackend(ICommerceKitBuilder builder, Action<NotificationsBuilder> configure) =>
        builder.AddPostgreSql(o =>
            {
                o.ConnectionString = connectionString + ";Maximum Pool Size=16";
                o.Schema = Schema;
            })
            .AddNotifications(notifications => configure(notifications.UsePostgreSql()));
}
