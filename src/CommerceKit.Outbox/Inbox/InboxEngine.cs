using Microsoft.Extensions.Hosting;
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
    ILogger<InboxEngine>? logger = null) : IInbox, IHostedService, IAsyncDisposable, IDisposable
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _retention;

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

    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task? retention;
        lock (_gate)
        {
            _stopping.Cancel();
            retention = _retention;
        }

        if (retention is not null)
        {
            await retention.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping.Cancel();
        }
    }

    private void EnsureStarted()
    {
        if (_retention is not null)
        {
            return;
        }

        lock (_gate)
        {
            if (_retention is null && !_stopping.IsCancellationRequested)
            {
                _retention = Task.Run(() => DeleteOldRecordsAsync(_stopping.Token));
            }
        }
    }

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
