using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace CommerceKit.Notifications.Engine;

/// <summary>
/// Sends one claimed notification: its channels in order, each channel's providers in registration order, each provider
/// through its pipeline (retries, circuit breaker, timeout). The first provider that accepts it ends the send; when none
/// does, the notification is a dead letter. Every provider call is an attempt in the delivery log.
/// </summary>
internal sealed class NotificationDelivery
{
    private readonly Dictionary<NotificationChannel, (INotificationProvider Provider, ResiliencePipeline<ProviderResult> Pipeline)[]> _providers;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public NotificationDelivery(IEnumerable<INotificationProvider> providers, ProviderPipelines pipelines, TimeProvider timeProvider, ILogger logger)
    {
        _providers = providers
            .GroupBy(provider => provider.Channel)
            .ToDictionary(group => group.Key, group => group.Select(provider => (provider, pipelines.Create())).ToArray());
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public bool HasProvider(NotificationChannel channel) => _providers.ContainsKey(channel);

    public async Task<DeliveryOutcome> SendAsync(QueuedNotification notification, CancellationToken cancellationToken)
    {
        var attempts = new List<DeliveryAttempt>();
        foreach (var rendered in notification.Deliveries)
        {
            foreach (var (provider, pipeline) in _providers.GetValueOrDefault(rendered.Channel) ?? [])
            {
                ProviderResult result;
                try
                {
                    result = await pipeline.ExecuteAsync(
                        static async (state, token) => state.This.Record(state.Attempts, state.Provider, await CallAsync(state.Provider, state.Rendered, token).ConfigureAwait(false)),
                        (This: this, Attempts: attempts, Provider: provider, Rendered: rendered),
                        cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is BrokenCircuitException or Polly.Timeout.TimeoutRejectedException)
                {
                    result = Record(attempts, provider, new ProviderResult(ProviderOutcome.Transient, Error: exception is BrokenCircuitException ? "circuit open" : "timed out"));
                }

                if (result.Outcome == ProviderOutcome.Sent)
                {
                    return new DeliveryOutcome(NotificationState.Sent, provider.Name, result.ProviderMessageId, attempts);
                }

                NotificationLog.FailedOver(_logger, provider.Name, notification.NotificationId, result.Error);
                NotificationTelemetry.CountFailover(provider.Name);
            }
        }

        NotificationLog.DeadLettered(_logger, notification.NotificationId);
        return new DeliveryOutcome(NotificationState.DeadLettered, null, null, attempts);
    }

    // A provider's exception is a transient failure with its message (its own cancellation included: a timeout).
    private static async Task<ProviderResult> CallAsync(INotificationProvider provider, RenderedNotification rendered, CancellationToken cancellationToken)
    {
        try
        {
            return await provider.SendAsync(rendered, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ProviderResult(ProviderOutcome.Transient, Error: $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    private ProviderResult Record(List<DeliveryAttempt> attempts, INotificationProvider provider, ProviderResult result)
    {
        lock (attempts)
        {
            attempts.Add(new DeliveryAttempt(provider.Name, provider.Channel, _timeProvider.GetUtcNow(), result.Outcome, result.Error));
        }

        NotificationTelemetry.CountAttempt(provider.Name, result.Outcome);
        return result;
    }
}

/// <summary>How a send ended.</summary>
internal sealed record DeliveryOutcome(NotificationState State, string? SentBy, string? ProviderMessageId, IReadOnlyList<DeliveryAttempt> Attempts);
