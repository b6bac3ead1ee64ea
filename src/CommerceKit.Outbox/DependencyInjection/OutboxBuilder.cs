using CommerceKit.Outbox.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CommerceKit.Outbox;

/// <summary>
/// Configures the outbox inside <c>AddOutbox(outbox =&gt; …)</c>: where messages are kept (in this process's memory
/// unless <c>UsePostgreSql()</c> or <c>UseStore&lt;TStore&gt;()</c>), how they are published (in-process handlers
/// unless <c>UseRedisStreams()</c> or <see cref="UsePublisher{TPublisher}"/>), and the options.
/// </summary>
public sealed class OutboxBuilder : FeatureBuilder<OutboxBuilder, OutboxStore, OutboxOptions>
{
    internal OutboxBuilder(IServiceCollection services)
        : base(services)
    {
    }

    /// <summary>
    /// Publishes messages of type <paramref name="type"/> (by default <typeparamref name="T"/>'s name, as
    /// <see cref="OutboxMessage.Create{T}"/> names them) to <typeparamref name="THandler"/> in this process, resolved
    /// from a new scope per message. Several handlers of one type run one after another.
    /// </summary>
    /// <typeparam name="T">The payload's type.</typeparam>
    /// <typeparam name="THandler">The handler, registered as scoped unless already registered.</typeparam>
    /// <param name="type">The message type; <see langword="null"/> for <c>typeof(T).Name</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a valid key.</exception>
    public OutboxBuilder AddHandler<T, THandler>(string? type = null)
        where THandler : class, IOutboxHandler<T>
    {
        var messageType = type is null ? OutboxMessage.TypeName<T>() : KeyGuard.ThrowIfInvalid(type);
        Services.TryAddScoped<THandler>();
        Services.AddSingleton(OutboxHandlerRegistration.For<T, THandler>(messageType));
        return this;
    }

    /// <summary>Publishes through <typeparamref name="TPublisher"/>, a transport of your own, instead of in-process handlers.</summary>
    /// <typeparam name="TPublisher">The publisher, created by the container.</typeparam>
    /// <returns>This builder.</returns>
    public OutboxBuilder UsePublisher<TPublisher>()
        where TPublisher : class, IOutboxPublisher
    {
        Services.Replace(ServiceDescriptor.Singleton<IOutboxPublisher, TPublisher>());
        return this;
    }
}
