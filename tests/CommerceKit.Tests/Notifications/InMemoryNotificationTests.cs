using CommerceKit.ConformanceTests.Notifications;
using CommerceKit.Notifications;
using CommerceKit.Notifications.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Tests.Notifications;

public sealed class InMemoryNotificationTests : NotificationConformanceTests
{
    protected override NotificationBackend CreateBackend() => new InMemoryNotificationBackend();

    /// <summary>In-memory instances share notifications only within one store, as the senders of one process do.</summary>
    private sealed class InMemoryNotificationBackend : NotificationBackend
    {
        private readonly InMemoryNotificationStore _store = new(TimeProvider.System);

        protected override void AddBackend(ICommerceKitBuilder builder, Action<NotificationsBuilder> configure)
        {
            builder.Services.AddSingleton<NotificationStore>(_store);
            builder.AddNotifications(configure);
        }
    }
}
