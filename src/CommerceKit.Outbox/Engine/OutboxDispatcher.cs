using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using CommerceKit.Shared.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CommerceKit.Outbox.Engine;

/// <summary>
/// This instance's dispatcher: claims batches of due messages, publishes each key's messages in order (keys in
/// parallel), marks them published, and schedules retries or dead-letters failures. It wakes when a commit is
/// announced (<see cref="OutboxStore.SubscribeToCommits"/>) and polls every <see cref="OutboxOptions.PollInterval"/>
/// otherwise; beside it runs maintenance (retention, backlog gauges). It starts with the host or on the first resolve
/// of <see cref="IOutbox"/>, so it runs without a Generic Host too, and any number of instances may run one: there is
/// no leader.
/// </summary>
internal sealed class OutboxDispatcher(
    OutboxStore store,
    IOutboxPublisher publisher,
    IOptions<OutboxOptions> options,
    TimeProvider timeProvider,
    ILogger<OutboxDispatcher>? logger = null) : BackgroundLoops
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private IDisposable? _subscription;

    /// <summary>The dispatcher's id, recorded with its claims.</summary>
    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override bool ShouldStart() => options.Value.DispatcherEnabled;

    protected override void OnStarting() => _subscription = store.SubscribeToCommits(Wake);

    protected override void OnStopping()
    {
        _subscription?.Dispose();
        OutboxTelemetry.ForgetBacklog(this);
    }

    protected override IEnumerable<Func<CancellationToken, Task>> Loops() => [DispatchUntilStoppedAsync, MaintainUntilStoppedAsync];

    /// <summary>Claims and publishes one batch; returns how many messages it claimed.</summary>
    internal async Task<int> DispatchOnceAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var claimedAt = timeProvider.GetTimestamp();
        var claimed = await store.ClaimAsync(new OutboxClaim(Id, settings.BatchSize, settings.MaxMessagesPerKey, settings.Lease), stoppingToken).ConfigureAwait(false);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var batch = new Batch(claimedAt, settings.Lease / 2);
        try
        {
            await Parallel.ForEachAsync(
                claimed.GroupBy(envelope => envelope.PartitionKey, StringComparer.Ordinal),
                new ParallelOptions { MaxDegreeOfParallelism = settings.MaxConcurrency, CancellationToken = stoppingToken },
                (key, token) => PublishInOrderAsync(key.ToArray(), batch, settings, token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what was published is marked below; the rest goes back at once instead of waiting out the lease.
            batch.HandBack(claimed.Select(envelope => envelope.Id).Except(batch.Published).Except(batch.Settled));
        }

        await SettleAsync(batch).ConfigureAwait(false);
        return claimed.Count;
    }

    private async ValueTask PublishInOrderAsync(OutboxEnvelope[] messages, Batch batch, OutboxOptions settings, CancellationToken cancellationToken)
    {
        for (var i = 0; i < messages.Length; i++)
        {
            var envelope = messages[i];
            if (cancellationToken.IsCancellationRequested || timeProvider.GetElapsedTime(batch.ClaimedAt) > batch.PublishWindow)
            {
                // The lease is running out (or the dispatcher stops): hand the rest back rather than race a taker-over.
                batch.HandBack(messages[i..].Select(message => message.Id));
                return;
            }

            try
            {
                await PublishAsync(envelope, cancellationToken).ConfigureAwait(false);
                batch.Published.Add(envelope.Id);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                await FailAsync(envelope, exception, settings).ConfigureAwait(false);
                batch.Settled.Add(envelope.Id);
                batch.HandBack(messages[(i + 1)..].Select(message => message.Id));
                return;
            }
            catch (OperationCanceledException)
            {
                batch.HandBack(messages[i..].Select(message => message.Id));
                return;
            }
        }
    }

    private async Task PublishAsync(OutboxEnvelope envelope, CancellationToken cancellationToken)
    {
        using var activity = StartPublishActivity(envelope);
        try
        {
            await publisher.PublishAsync(envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }

        OutboxTelemetry.Count(OutboxTelemetry.Published, store.BackendName, envelope.Type);
        if (OutboxTelemetry.PublishLag.Enabled)
        {
            OutboxTelemetry.PublishLag.Record(
                Math.Max(0, (timeProvider.GetUtcNow() - envelope.EnqueuedAt).TotalSeconds),
                new KeyValuePair<string, object?>(CommerceKitDiagnostics.BackendTagName, store.BackendName));
        }
    }

    private async Task FailAsync(OutboxEnvelope envelope, Exception exception, OutboxOptions settings)
    {
        var error = $"{exception.GetType().FullName}: {exception.Message}";
        try
        {
            if (envelope.Attempt >= settings.MaxAttempts)
            {
                OutboxLog.DeadLettered(_logger, envelope.Id, envelope.Type, envelope.Attempt, envelope.PartitionKey, exception);
                await store.DeadLetterAsync(Id, envelope.Id, error, CancellationToken.None).ConfigureAwait(false);
                OutboxTelemetry.Count(OutboxTelemetry.DeadLettered, store.BackendName, envelope.Type);
            }
            else
            {
                var delay = RetrySchedule.DelayAfter(envelope.Attempt, settings);
                OutboxLog.PublishFailed(_logger, envelope.Id, envelope.Type, envelope.Attempt, delay, exception);
                await store.RetryLaterAsync(Id, envelope.Id, delay, error, CancellationToken.None).ConfigureAwait(false);
                OutboxTelemetry.Count(OutboxTelemetry.Retried, store.BackendName, envelope.Type);
            }
        }
        catch (BackendUnavailableException unavailable)
        {
            // The claim runs out instead, and the message is tried again then (the attempt is not counted).
            OutboxLog.BackendUnavailable(_logger, settings.Lease, unavailable);
        }
    }

    private async Task SettleAsync(Batch batch)
    {
        if (!batch.Published.IsEmpty)
        {
            var published = batch.Published.ToArray();
            try
            {
                await store.MarkPublishedAsync(published, CancellationToken.None).ConfigureAwait(false);
            }
            catch (BackendUnavailableException exception)
            {
                OutboxLog.MarkFailed(_logger, published.Length, exception);
            }
        }

        if (!batch.Release.IsEmpty)
        {
            try
            {
                await store.ReleaseAsync(Id, [.. batch.Release], CancellationToken.None).ConfigureAwait(false);
            }
            catch (BackendUnavailableException exception)
            {
                // Their claim runs out instead.
                OutboxLog.BackendUnavailable(_logger, options.Value.Lease, exception);
            }
        }
    }

    private static Activity? StartPublishActivity(OutboxEnvelope envelope)
    {
        if (!OutboxTelemetry.Source.HasListeners())
        {
            return null;
        }

        // A span of its own, linked to the trace that enqueued the message (which may have ended long ago).
        ActivityLink[]? links = envelope.Headers.TryGetValue(OutboxMessages.TraceParentHeader, out var traceParent)
            && ActivityContext.TryParse(traceParent, null, out var enqueued)
            ? [new ActivityLink(enqueued)]
            : null;
        var activity = OutboxTelemetry.Source.StartActivity("commercekit.outbox.publish", ActivityKind.Producer, parentContext: default, links: links);
        activity?.SetTag("messaging.message.id", envelope.Id.ToString());
        activity?.SetTag(OutboxTelemetry.TypeTag, envelope.Type);
        activity?.SetTag("commercekit.outbox.attempt", envelope.Attempt);
        return activity;
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task DispatchUntilStoppedAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await DispatchOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (BackendUnavailableException exception)
            {
                OutboxLog.BackendUnavailable(_logger, options.Value.PollInterval, exception);
            }
            catch (Exception exception)
            {
                OutboxLog.DispatcherFailed(_logger, options.Value.PollInterval, exception);
            }

            if (claimed == 0)
            {
                await WaitForWakeAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task WaitForWakeAsync(CancellationToken stoppingToken)
    {
        using var poll = new CancellationTokenSource(options.Value.PollInterval, timeProvider);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(poll.Token, stoppingToken);
        try
        {
            await _wake.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Polled, or stopping.
        }

        _wake.Reader.TryRead(out _);
    }

    private async Task MaintainUntilStoppedAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = options.Value;
            try
            {
                OutboxTelemetry.ReportBacklog(this, store.BackendName, await store.GetBacklogAsync(stoppingToken).ConfigureAwait(false));

                // Small batches, one after another: never one long statement holding locks on a busy table.
                while (await store.DeletePublishedAsync(settings.Retention, settings.RetentionBatchSize, stoppingToken).ConfigureAwait(false) == settings.RetentionBatchSize)
                {
                    await Task.Yield();
                }

                await Task.Delay(settings.MaintenanceInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                OutboxLog.MaintenanceFailed(_logger, settings.MaintenanceInterval, exception);
                await Task.Delay(settings.MaintenanceInterval, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>One claim's bookkeeping, shared by the keys published in parallel.</summary>
    private sealed class Batch(long claimedAt, TimeSpan publishWindow)
    {
        public long ClaimedAt => claimedAt;

        public TimeSpan PublishWindow => publishWindow;

        public ConcurrentBag<Guid> Published { get; } = [];

        public ConcurrentBag<Guid> Settled { get; } = [];

        public ConcurrentBag<Guid> Release { get; } = [];

        public void HandBack(IEnumerable<Guid> messageIds)
        {
            foreach (var id in messageIds)
            {
                Release.Add(id);
            }
        }
    }
}
