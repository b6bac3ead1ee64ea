using Microsoft.Extensions.Options;

namespace CommerceKit.Outbox.Engine;

/// <summary>
/// <see cref="IOutbox"/> and <see cref="IOutboxDeadLetters"/> over the configured <see cref="OutboxStore"/>: checks
/// every message before it reaches the store, and starts this instance's dispatcher on first use.
/// </summary>
internal sealed class OutboxEngine : IOutbox, IOutboxDeadLetters
{
    private const int MaxDeadLettersListed = 1000;

    private readonly OutboxStore _store;
    private readonly IOptions<OutboxOptions> _options;

    public OutboxEngine(OutboxStore store, IOptions<OutboxOptions> options, OutboxDispatcher dispatcher)
    {
        _store = store;
        _options = options;
        dispatcher.EnsureStarted();
    }

    public ValueTask EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default) =>
        EnqueuePreparedAsync([OutboxMessages.Prepare(message, _options.Value.MaxPayloadBytes)], cancellationToken);

    public ValueTask EnqueueAllAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfZero(messages.Count, nameof(messages));
        var maxPayloadBytes = _options.Value.MaxPayloadBytes;
        var prepared = messages.Select(message => OutboxMessages.Prepare(message, maxPayloadBytes, nameof(messages))).ToArray();
        if (prepared.DistinctBy(message => message.Id).Count() != prepared.Length)
        {
            throw new ArgumentException("Two messages have the same id.", nameof(messages));
        }

        return EnqueuePreparedAsync(prepared, cancellationToken);
    }

    public ValueTask<IReadOnlyList<OutboxDeadLetter>> ListAsync(int maxCount = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, MaxDeadLettersListed);
        return _store.GetDeadLettersAsync(maxCount, cancellationToken);
    }

    public ValueTask<bool> RedriveAsync(Guid messageId, CancellationToken cancellationToken = default) =>
        _store.RedriveAsync(ThrowIfEmpty(messageId), cancellationToken);

    public ValueTask<bool> PurgeAsync(Guid messageId, CancellationToken cancellationToken = default) =>
        _store.PurgeAsync(ThrowIfEmpty(messageId), cancellationToken);

    private async ValueTask EnqueuePreparedAsync(OutboxMessage[] messages, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _store.EnqueueAsync(messages, cancellationToken).ConfigureAwait(false);
        if (OutboxTelemetry.Enqueued.Enabled)
        {
            OutboxTelemetry.Enqueued.Add(messages.Length, new KeyValuePair<string, object?>(CommerceKitDiagnostics.BackendTagName, _store.BackendName));
        }
    }

    private static Guid ThrowIfEmpty(Guid messageId, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(messageId))] string? paramName = null) =>
        messageId == Guid.Empty ? throw new ArgumentException("The message id must not be empty.", paramName) : messageId;
}
