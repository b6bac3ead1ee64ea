using CommerceKit.Shared.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CommerceKit.Outbox.Engine;

/// <summary>
/// <see cref="IInbox"/> over the configured <see cref="InboxStore"/>: checks the arguments, and deletes old records
/// every <see cref="InboxOptions.MaintenanceInterval"/>. Retention starts with the host or on the first resolve of
/// <see cref="IInbox"/>.
/// </summary>
internal sealed class InboxEngine(
    InboxStore store,
    IOptions<InboxOptions> options,
    TimeProvider timeProvider,
    ILogger<InboxEngine>? logger = null) : BackgroundLoops, IInbox
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public ValueTask<bool> ProcessOnceAsync(string consumer, Guid messageId, Func<CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        KeyGuard.ThrowIfInvalid(consumer);
        if (messageId == Guid.Empty)
        {
            throw new ArgumentException("The message id must not be empty.", nameof(messageId));
        }

        ArgumentNullException.ThrowIfNull(handler);
        EnsureStarted();
        return store.ProcessOnceAsync(consumer, messageId, handler, cancellationToken);
    }

    protected override IEnumerable<Func<CancellationToken, Task>> Loops() => [DeleteOldRecordsAsync];

    private async Task DeleteOldRecordsAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = options.Value;
            try
            {
                while (await store.DeleteRecordedBeforeAsync(settings.Retention, settings.RetentionBatchSize, stoppingToken).ConfigureAwait(false) == settings.RetentionBatchSize)
                {
                    await Task.Yield();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                OutboxLog.MaintenanceFailed(_logger, settings.MaintenanceInterval, exception);
            }

            await Task.Delay(settings.MaintenanceInterval, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
