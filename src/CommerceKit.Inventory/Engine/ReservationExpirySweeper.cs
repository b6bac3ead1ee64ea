using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CommerceKit.Inventory.Engine;

/// <summary>
/// Returns the stock of reservations whose time ran out and tells the <see cref="IReservationExpiredHandler"/>s,
/// every <see cref="InventoryOptions.SweepInterval"/> (at once again while a batch comes back full). It starts when the
/// host starts it or when <see cref="IInventory"/> is first resolved, whichever comes first, so it runs without a Generic
/// Host too; it stops with the host or when the service provider is disposed.
/// </summary>
internal sealed class ReservationExpirySweeper(
    InventoryStore store,
    IEnumerable<IReservationExpiredHandler> handlers,
    IOptions<InventoryOptions> options,
    TimeProvider timeProvider,
    ILogger<ReservationExpirySweeper>? logger = null) : IHostedService, IAsyncDisposable, IDisposable
{
    private const int BatchSize = 500;

    private readonly IReservationExpiredHandler[] _handlers = [.. handlers];
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _loop;

    /// <summary>Starts sweeping unless it already runs or was stopped.</summary>
    public void EnsureStarted()
    {
        lock (_gate)
        {
            if (_loop is null && !_stopping.IsCancellationRequested)
            {
                _loop = Task.Run(() => RunAsync(_stopping.Token));
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task? loop;
        lock (_gate)
        {
            _stopping.Cancel();
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    // Registered both as itself and as a hosted service, so the container may dispose it twice: both are harmless.
    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));

    // A provider disposed synchronously cannot wait for the loop: it is told to stop and ends at its next await.
    public void Dispose()
    {
        lock (_gate)
        {
            _stopping.Cancel();
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var found = await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
                if (found < BatchSize)
                {
                    await Task.Delay(options.Value.SweepInterval, timeProvider, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    /// <summary>Expires one batch and notifies the handlers; returns how many expired.</summary>
    internal async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<ReservationExpired> expired;
        try
        {
            expired = await store.ExpireDueAsync(BatchSize, cancellationToken).ConfigureAwait(false);
        }
        catch (BackendUnavailableException exception)
        {
            InventoryLog.SweepFailed(_logger, exception);
            return 0;
        }

        InventoryTelemetry.RecordExpired(store.BackendName, expired.Count);
        foreach (var reservation in expired)
        {
            foreach (var handler in _handlers)
            {
                try
                {
                    await handler.HandleAsync(reservation, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    InventoryLog.HandlerFailed(_logger, exception);
                }
            }
        }

        return expired.Count;
    }
}
