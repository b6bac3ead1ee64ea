using CommerceKit;
using CommerceKit.Notifications;
using CommerceKit.Notifications.Engine;
using CommerceKit.Notifications.InMemory;
using CommerceKit.Notifications.Templates;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the CommerceKit notification dispatcher.</summary>
public static class NotificationCommerceKitBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="INotificationDispatcher"/> with <see cref="NotificationOptions"/> (validated at start-up) and
    /// this instance's sender, a hosted service that also starts on the dispatcher's first use. De-duplication uses
    /// CommerceKit.Idempotency and the promotional limit CommerceKit.RateLimiting, each registered with its in-memory
    /// default unless the application configured a backend. Register an <see cref="IRecipientDirectory"/> (with
    /// <c>UseRecipientDirectory</c>), providers and templates in <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Adds providers and templates, chooses the backend and the directory, configures the options.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddNotifications(this ICommerceKitBuilder builder, Action<NotificationsBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddIdempotency().AddRateLimiting();
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<NotificationOptions, NotificationOptionsValidator>();
        services.TryAddSingleton<NotificationStore, InMemoryNotificationStore>();
        services.TryAddSingleton<INotificationRenderer, PlaceholderRenderer>();
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(NotificationSender)))
        {
            services.AddSingleton(provider => new NotificationDelivery(
                provider.GetServices<INotificationProvider>(),
                new ProviderPipelines(provider.GetRequiredService<IOptions<NotificationOptions>>().Value, provider.GetRequiredService<TimeProvider>()),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetService<ILoggerFactory>()?.CreateLogger<NotificationDelivery>() ?? NullLogger<NotificationDelivery>.Instance));
            services.AddSingleton<NotificationSender>();
            services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<NotificationSender>());
            services.AddSingleton<INotificationDispatcher, NotificationDispatcher>();
        }

        configure?.Invoke(new NotificationsBuilder(services));
        return builder;
    }
}
