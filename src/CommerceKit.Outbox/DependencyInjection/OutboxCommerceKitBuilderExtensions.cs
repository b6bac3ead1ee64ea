using CommerceKit;
using CommerceKit.Outbox;
using CommerceKit.Outbox.Engine;
using CommerceKit.Outbox.InMemory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the CommerceKit outbox and inbox.</summary>
public static class OutboxCommerceKitBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IOutbox"/>, <see cref="IOutboxDeadLetters"/> and this instance's dispatcher, with
    /// <see cref="OutboxOptions"/> (validated at start-up). The dispatcher is a hosted service and also starts when
    /// <see cref="IOutbox"/> is first resolved. Messages live in this process's memory and are published to in-process
    /// handlers unless <paramref name="configure"/> says otherwise, for example
    /// <c>outbox =&gt; outbox.UsePostgreSql().AddHandler&lt;OrderPlaced, SendConfirmation&gt;()</c>. Calling it again
    /// only adds configuration.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Chooses the backend and publisher, adds handlers, configures the options.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddOutbox(this ICommerceKitBuilder builder, Action<OutboxBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<OutboxOptions, OutboxOptionsValidator>();
        services.TryAddSingleton<OutboxStore, InMemoryOutboxStore>();
        services.TryAddSingleton<IOutboxPublisher, InProcessOutboxPublisher>();
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(OutboxDispatcher)))
        {
            // One dispatcher, started by the host or by the first resolve of IOutbox, so it runs without a host too.
            services.AddSingleton<OutboxDispatcher>();
            services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<OutboxDispatcher>());
            services.AddSingleton<OutboxEngine>();
            services.AddSingleton<IOutbox>(provider => provider.GetRequiredService<OutboxEngine>());
            services.AddSingleton<IOutboxDeadLetters>(provider => provider.GetRequiredService<OutboxEngine>());
        }

        configure?.Invoke(new OutboxBuilder(services));
        return builder;
    }

    /// <summary>
    /// Registers <see cref="IInbox"/> with <see cref="InboxOptions"/> (validated at start-up) and its retention, a hosted
    /// service that also starts on first use. Records live in this process's memory unless <paramref name="configure"/>
    /// chooses a backend, for example <c>inbox =&gt; inbox.UsePostgreSql()</c>.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <param name="configure">Chooses the backend and configures the options.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddInbox(this ICommerceKitBuilder builder, Action<InboxBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<InboxOptions, InboxOptionsValidator>();
        services.TryAddSingleton<InboxStore, InMemoryInboxStore>();
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(InboxEngine)))
        {
            services.AddSingleton<InboxEngine>();
            services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<InboxEngine>());
            services.AddSingleton<IInbox>(provider => provider.GetRequiredService<InboxEngine>());
        }

        configure?.Invoke(new InboxBuilder(services));
        return builder;
    }
}
