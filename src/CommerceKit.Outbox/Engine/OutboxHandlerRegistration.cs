using CommerceKit.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Outbox.Engine;

/// <summary>One <c>AddHandler&lt;T, THandler&gt;()</c>: which message type it takes and how to call it.</summary>
internal sealed class OutboxHandlerRegistration(
    string type,
    Func<IServiceProvider, OutboxEnvelope, CancellationToken, ValueTask> invoke)
{
    public string Type => type;

    public ValueTask Invoke(IServiceProvider services, OutboxEnvelope envelope, CancellationToken cancellationToken) =>
        invoke(services, envelope, cancellationToken);

    public static OutboxHandlerRegistration For<T, THandler>(string type)
        where THandler : class, IOutboxHandler<T> =>
        new(type, static (services, envelope, token) =>
        {
            var message = services.GetRequiredService<ICommerceKitSerializer>().Deserialize<T>(envelope.Payload.Span)
                ?? throw new InvalidOperationException($"The payload of outbox message {envelope.Id} deserialized to null.");
            return services.GetRequiredService<THandler>().HandleAsync(message, envelope, token);
        });
}
