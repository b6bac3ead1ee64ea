using CommerceKit.Notifications.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CommerceKit.Notifications;

/// <summary>
/// Configures the notification dispatcher inside <c>AddNotifications(notifications =&gt; …)</c>: providers, templates,
/// the recipient directory, where notifications are kept (in this process's memory unless <c>UsePostgreSql()</c> or
/// <c>UseStore&lt;TStore&gt;()</c>), and the options.
/// </summary>
public sealed class NotificationsBuilder : FeatureBuilder<NotificationsBuilder, NotificationStore, NotificationOptions>
{
    internal NotificationsBuilder(IServiceCollection services)
        : base(services)
    {
    }

    /// <summary>Adds a provider, created once by the container; providers of one channel are tried in the order added.</summary>
    /// <typeparam name="TProvider">The provider.</typeparam>
    /// <returns>This builder.</returns>
    public NotificationsBuilder AddProvider<TProvider>()
        where TProvider : class, INotificationProvider
    {
        Services.TryAddSingleton<TProvider>();
        Services.AddSingleton<INotificationProvider>(provider => provider.GetRequiredService<TProvider>());
        return this;
    }

    /// <summary>Adds a provider instance; providers of one channel are tried in the order added.</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>This builder.</returns>
    public NotificationsBuilder AddProvider(INotificationProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        KeyGuard.ThrowIfInvalid(provider.Name, nameof(provider));
        Services.AddSingleton(provider);
        return this;
    }

    /// <summary>Adds a template for the built-in renderer (a later one with the same id replaces it).</summary>
    /// <param name="template">The template.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The template's id is not a valid key.</exception>
    public NotificationsBuilder AddTemplate(NotificationTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        KeyGuard.ThrowIfInvalid(template.Id, nameof(template));
        Services.AddSingleton(template);
        return this;
    }

    /// <summary>Finds recipients with <typeparamref name="TDirectory"/>, created once by the container.</summary>
    /// <typeparam name="TDirectory">The directory.</typeparam>
    /// <returns>This builder.</returns>
    public NotificationsBuilder UseRecipientDirectory<TDirectory>()
        where TDirectory : class, IRecipientDirectory
    {
        Services.Replace(ServiceDescriptor.Singleton<IRecipientDirectory, TDirectory>());
        return this;
    }

    /// <summary>Renders with <typeparamref name="TRenderer"/> instead of the built-in <c>{{name}}</c> templates.</summary>
    /// <typeparam name="TRenderer">The renderer.</typeparam>
    /// <returns>This builder.</returns>
    public NotificationsBuilder UseRenderer<TRenderer>()
        where TRenderer : class, INotificationRenderer
    {
        Services.Replace(ServiceDescriptor.Singleton<INotificationRenderer, TRenderer>());
        return this;
    }
}
