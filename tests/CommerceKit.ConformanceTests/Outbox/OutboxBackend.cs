using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.ConformanceTests.Outbox;

/// <summary>
/// One outbox backend as the conformance suite sees it: application instances sharing the backend, each with its own
/// dispatcher (started on first resolve: no host) publishing to the publisher the test hands it.
/// </summary>
public abstract class OutboxBackend : BackendInstances
{
    /// <summary>Starts an instance whose dispatcher publishes to <paramref name="publisher"/>.</summary>
    public OutboxInstance CreateInstance(IOutboxPublisher publisher, Action<OutboxOptions>? configure = null)
    {
        var services = CreateInstance(builder =>
        {
            AddBackend(builder, options =>
            {
                // Tests must not wait out production-sized delays.
                options.RetryDelay = TimeSpan.FromMilliseconds(20);
                options.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
                options.PollInterval = TimeSpan.FromMilliseconds(200);
                configure?.Invoke(options);
            });
            builder.Services.AddSingleton(publisher);
        });
        return new OutboxInstance(services);
    }

    /// <summary>Starts an instance that only enqueues: its dispatcher is switched off.</summary>
    public OutboxInstance CreateEnqueueOnlyInstance() =>
        CreateInstance(new RecordingPublisher(), options => options.DispatcherEnabled = false);

    /// <summary>Registers the backend's outbox, passing <paramref name="configure"/> on.</summary>
    protected abstract void AddBackend(ICommerceKitBuilder builder, Action<OutboxOptions> configure);
}

/// <summary>One application instance: its outbox, dead letters and the store under them.</summary>
public sealed class OutboxInstance(IServiceProvider services)
{
    public IOutbox Outbox { get; } = services.GetRequiredService<IOutbox>();

    public IOutboxDeadLetters DeadLetters { get; } = services.GetRequiredService<IOutboxDeadLetters>();

    public OutboxStore Store { get; } = services.GetRequiredService<OutboxStore>();

    public IServiceProvider Services => services;
}
