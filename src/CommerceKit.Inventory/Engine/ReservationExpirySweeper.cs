using CommerceKit.Shared.Hosting;
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
    ILogger<ReservationExpirySweeper>? logger = null) : BackgroundLoops
{
    private const int BatchSize = 500;

    private readonly IReservationExpiredHandler[] _handlers = [.. handlers];
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    protected override IEnumerable<Func<CancellationToken, Task>> Loops() => [RunAsync];

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
