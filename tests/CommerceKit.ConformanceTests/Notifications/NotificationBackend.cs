using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CommerceKit.ConformanceTests.Notifications;

/// <summary>One notification backend as the conformance suite sees it: instances sharing the backend, each with its sender.</summary>
public abstract class NotificationBackend : BackendInstances
{
    public static readonly NotificationTemplate OrderConfirmation = new("order-confirmation", "Order {{orderId}} is confirmed.")
    {
        Subject = "Your order {{orderId}}",
        ChannelBodies = new Dictionary<NotificationChannel, string> { [NotificationChannel.Sms] = "Order {{orderId}} OK" },
    };

    public static readonly NotificationTemplate Promotion = new("promotion", "{{offer}} today only.");

    public NotificationInstance CreateInstance(
        TestRecipients recipients, IEnumerable<INotificationProvider> providers, Action<NotificationOptions>? configure = null, TimeProvider? time = null)
    {
        var services = CreateInstance(builder =>
        {
            if (time is not null)
            {
                builder.Services.Replace(ServiceDescriptor.Singleton(time));
            }

            AddBackend(builder, notifications =>
            {
                foreach (var provider in providers)
                {
                    notifications.AddProvider(provider);
                }

                notifications.AddTemplate(OrderConfirmation).AddTemplate(Promotion);
                notifications.Services.AddSingleton<IRecipientDirectory>(recipients);
                notifications.Configure(options =>
                {
                    // Tests must not wait out production-sized delays.
                    options.RetryDelay = TimeSpan.FromMilliseconds(10);
                    options.PollInterval = TimeSpan.FromMilliseconds(100);
                    options.BreakDuration = TimeSpan.FromSeconds(1);
                    configure?.Invoke(options);
                });
            });
        });
        return new NotificationInstance(services);
    }

    /// <summary>Registers the backend's store (and what it needs), passing <paramref name="configure"/> on.</summary>
    protected abstract void AddBackend(ICommerceKitBuilder builder, Action<NotificationsBuilder> configure);
}

public sealed class NotificationInstance(IServiceProvider services)
{
    public INotificationDispatcher Dispatcher => services.GetRequiredService<INotificationDispatcher>();

    public NotificationStore Store => services.GetRequiredService<NotificationStore>();

    public IServiceProvider Services => services;
}
