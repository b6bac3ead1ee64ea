using System.Threading.Channels;
using CommerceKit.Notifications.Scheduling;
using CommerceKit.Shared.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CommerceKit.Notifications.Engine;

/// <summary>
/// This instance's sender: a pump claims due notifications from the store into two bounded queues (transactional
/// first), and workers send from them with weighted fairness, so a promotional flood neither delays an order
/// confirmation by more than a few sends nor starves itself. Started by the host or on the dispatcher's first use.
/// </summary>
/// <remarks>
/// Workers wait on one permit per queued notification, not on the queues: a queued notification wakes one worker.
/// Waiting on both queues' <c>WaitToReadAsync</c> woke every idle worker for each notification (32 by default, all but
/// one to find nothing), and left a waiter behind on the other queue each time, never freed while nothing was written
/// to it: a shop that sends no promotions piled them up.
/// </remarks>
internal sealed class NotificationSender : BackgroundLoops
{
    private readonly NotificationStore _store;
    private readonly NotificationDelivery _delivery;
    private readonly NotificationOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<QueuedNotification> _transactional;
    private readonly Channel<QueuedNotification> _promotional;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly SemaphoreSlim _queued = new(0);
    private readonly SemaphoreSlim _transactionalQueued = new(0, 1);
    private IDisposable? _subscription;
    private int _promotionsInFlight;

    public NotificationSender(
        NotificationStore store,
        NotificationDelivery delivery,
        IOptions<NotificationOptions> options,
        TimeProvider timeProvider,
        ILogger<NotificationSender>? logger = null)
    {
        _store = store;
        _delivery = delivery;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger<NotificationSender>.Instance;
        _transactional = Channel.CreateBounded<QueuedNotification>(_options.QueueCapacity);
        _promotional = Channel.CreateBounded<QueuedNotification>(_options.QueueCapacity);
    }

    protected override bool ShouldStart() => _options.SenderEnabled;

    protected override void OnStarting() => _subscription = _store.SubscribeToEnqueues(Wake);

    protected override void OnStopping()
    {
        _subscription?.Dispose();
        NotificationTelemetry.Forget(this);
    }

    protected override IEnumerable<Func<CancellationToken, Task>> Loops() =>
        [PumpAsync, .. Enumerable.Range(0, _options.MaxConcurrency).Select(_ => (Func<CancellationToken, Task>)SendAsync), CloseDigestsAsync, ReportDepthAsync];

    /// <summary>Wakes the pump: a notification was accepted here, or a queue has room again.</summary>
    public void Wake() => Signal(_wake);

    // Releases a semaphore of one permit unless it holds it already.
    private static void Signal(SemaphoreSlim signal)
    {
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    private async Task PumpAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Transactional first: its queue is filled before any promotion is claimed.
                var claimed = await FillAsync(_transactional, NotificationCategory.Transactional, stoppingToken).ConfigureAwait(false)
                    + await FillAsync(_promotional, NotificationCategory.Promotional, stoppingToken).ConfigureAwait(false);
                if (claimed > 0)
                {
                    continue;
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                NotificationLog.SenderFailed(_logger, "claim", _options.PollInterval, exception);
            }

            await ((Task)_wake.WaitAsync(_options.PollInterval, stoppingToken)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    // A quarter of the senders (at least one) never send promotions, so slow promotional providers cannot hold every
    // sender while an order confirmation waits.
    private bool MayTakePromotion() =>
        Volatile.Read(ref _promotionsInFlight) < _options.MaxConcurrency - Math.Max(1, _options.MaxConcurrency / 4) || _options.MaxConcurrency == 1;

    private async Task<int> FillAsync(Channel<QueuedNotification> queue, NotificationCategory category, CancellationToken stoppingToken)
    {
        var room = _options.QueueCapacity - queue.Reader.Count;
        if (room <= 0)
        {
            return 0;
        }

        var claimed = await _store.ClaimDueAsync(category, room, _options.Lease, stoppingToken).ConfigureAwait(false);
        foreach (var notification in claimed)
        {
            await queue.Writer.WriteAsync(notification, stoppingToken).ConfigureAwait(false);
            _queued.Release();
        }

        if (category == NotificationCategory.Transactional && claimed.Count > 0)
        {
            Signal(_transactionalQueued);
        }

        return claimed.Count;
    }

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        var transactionalInARow = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            await ((Task)_queued.WaitAsync(stoppingToken)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            var next = Take(ref transactionalInARow);
            if (next is null)
            {
                // Only promotions are queued and this sender is held back from them: the permit goes back, and the
                // sender looks again when a transactional notification is queued, or shortly, when a promotion in
                // flight may have ended.
                _queued.Release();
                await ((Task)_transactionalQueued.WaitAsync(TimeSpan.FromMilliseconds(20), stoppingToken)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            // A taken notification leaves room in its queue: the pump may claim more.
            Wake();
            var promotional = next.Category == NotificationCategory.Promotional;
            if (promotional)
            {
                Interlocked.Increment(ref _promotionsInFlight);
            }

            try
            {
                await SendOneAsync(next, stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                if (promotional)
                {
                    Interlocked.Decrement(ref _promotionsInFlight);
                }
            }
        }
    }

    // The permit this sender holds stands for a notification in one of the queues. Another sender can take the last
    // one of a queue between two reads while one is written to the other, so the reads are tried until one succeeds;
    // null only when the notifications left are promotions this sender may not take.
    private QueuedNotification? Take(ref int transactionalInARow)
    {
        while (true)
        {
            if (transactionalInARow < _options.TransactionalWeight && _transactional.Reader.TryRead(out var next))
            {
                transactionalInARow++;
                return next;
            }

            var mayTakePromotion = MayTakePromotion();
            if ((mayTakePromotion && _promotional.Reader.TryRead(out next)) || _transactional.Reader.TryRead(out next))
            {
                transactionalInARow = 0;
                return next;
            }

            if (!mayTakePromotion)
            {
                return null;
            }
        }
    }

    private async Task SendOneAsync(QueuedNotification notification, CancellationToken stoppingToken)
    {
        try
        {
            var outcome = await _delivery.SendAsync(notification, stoppingToken).ConfigureAwait(false);
            await _store.CompleteAsync(notification.NotificationId, outcome.State, outcome.SentBy, outcome.ProviderMessageId, outcome.Attempts, CancellationToken.None)
                .ConfigureAwait(false);
            if (outcome.State == NotificationState.Sent)
            {
                NotificationTelemetry.SendLatency.Record(
                    Math.Max(0, (_timeProvider.GetUtcNow() - notification.DueAt).TotalSeconds),
                    new(CommerceKitDiagnostics.BackendTagName, _store.BackendName),
                    new(NotificationTelemetry.CategoryTag, notification.Category.ToString()));
            }
            else if (NotificationTelemetry.DeadLettered.Enabled)
            {
                NotificationTelemetry.DeadLettered.Add(
                    1, new(CommerceKitDiagnostics.BackendTagName, _store.BackendName), new(NotificationTelemetry.CategoryTag, notification.Category.ToString()));
            }
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Not recorded: its lease runs out and it is sent again (providers get the same de-duplication id).
            NotificationLog.SenderFailed(_logger, "send", _options.Lease, exception);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the lease runs out and another instance sends it.
        }
    }

    // Closes digest windows that ended into one notification each; instances racing for a window close it once.
    private async Task CloseDigestsAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var window in await _store.GetDueDigestsAsync(100, _options.DigestMargin, stoppingToken).ConfigureAwait(false))
                {
                    await _store.CloseDigestAsync(window, DigestWindows.Compose(window, _timeProvider.GetUtcNow()), stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                NotificationLog.SenderFailed(_logger, "digests", _options.PollInterval, exception);
            }

            await Task.Delay(_options.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task ReportDepthAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var category in (NotificationCategory[])[NotificationCategory.Transactional, NotificationCategory.Promotional])
                {
                    NotificationTelemetry.ReportPending(this, _store.BackendName, category, await _store.CountPendingAsync(category, stoppingToken).ConfigureAwait(false));
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                NotificationLog.SenderFailed(_logger, "metrics", _options.MetricsInterval, exception);
            }

            await Task.Delay(_options.MetricsInterval, _timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
