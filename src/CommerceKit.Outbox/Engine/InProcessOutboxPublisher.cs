using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Outbox.Engine;

/// <summary>
/// The default publisher: hands each message to the <see cref="IOutboxHandler{T}"/> registered for its type, resolved
/// from a new DI scope. A message with no handler for its type fails (and is retried, then dead-lettered), so a
/// missing registration shows in the dead letters instead of dropping events.
/// </summary>
internal sealed class InProcessOutboxPublisher(IServiceScopeFactory scopes, IEnumerable<OutboxHandlerRegistration> registrations) : IOutboxPublisher
{
    private readonly Dictionary<string, OutboxHandlerRegistration[]> _handlers = registrations
        .GroupBy(registration => registration.Type, StringComparer.Ordinal)
        .ToDictionary(group => group.Key, group => group.ToArray(), StringComparer.Ordinal);

    public async ValueTask PublishAsync(OutboxEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!_handlers.TryGetValue(envelope.Type, out var handlers))
        {
            throw new InvalidOperationException(
                $"No outbox handler is registered for message type '{envelope.Type}': register one with outbox.AddHandler<TMessage, THandler>().");
        }

        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            foreach (var handler in handlers)
            {
                await handler.Invoke(scope.ServiceProvider, envelope, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
