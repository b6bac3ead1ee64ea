using System.Diagnostics;
using System.Diagnostics.Metrics;
using CommerceKit.Idempotency;
using CommerceKit.Idempotency.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Tests.Idempotency;

/// <summary>Every request is counted by outcome and traced, under a backend name no other test uses.</summary>
public sealed class IdempotencyTelemetryTests : IDisposable
{
    private const string Backend = "telemetry-test";

    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;
    private readonly List<string> _outcomes = [];
    private readonly List<Activity> _traces = [];

    public IdempotencyTelemetryTests()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "commercekit.idempotency.requests")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var values = tags.ToArray().ToDictionary(t => t.Key, t => t.Value as string);
            if (values.GetValueOrDefault("commercekit.backend") == Backend)
            {
                lock (_outcomes)
                {
                    _outcomes.Add(values["commercekit.idempotency.outcome"]!);
                }
            }
        });
        _meters.Start();

        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CommerceKitDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("commercekit.backend") as string == Backend)
                {
                    lock (_traces)
                    {
                        _traces.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(_activities);
    }

    [Fact]
    public async Task Each_outcome_is_counted_and_traced_without_the_key_or_scope()
    {
        using var services = new ServiceCollection().AddCommerceKit().AddIdempotency(idempotency => idempotency.UseStore<NamedStore>()).Services.BuildServiceProvider();
        var executor = services.GetRequiredService<IIdempotencyExecutor>();
        var key = new IdempotencyKey("customer-secret", "key-secret");

        await executor.ExecuteAsync(key, "fp", (_, _) => Task.FromResult(1));
        await executor.ExecuteAsync(key, "fp", (_, _) => Task.FromResult(1));
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => executor.ExecuteAsync(key, "other", (_, _) => Task.FromResult(1)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => executor.ExecuteAsync<int>(new IdempotencyKey("s", "failing"), "fp", (_, _) => throw new InvalidOperationException()));

        Assert.Equal(["executed", "replayed", "fingerprint_mismatch", "released"], _outcomes);
        Assert.Equal(4, _traces.Count);
        Assert.All(_traces, trace =>
        {
            Assert.Equal("commercekit.idempotency.execute", trace.OperationName);
            Assert.DoesNotContain(trace.TagObjects, tag => tag.Value is string value && value.Contains("secret", StringComparison.Ordinal));
        });
    }

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }

    /// <summary>An in-memory store under its own backend name, so parallel tests do not count here.</summary>
    private sealed class NamedStore() : IdempotencyStore(Backend)
    {
        private readonly InMemoryIdempotencyStore _inner = new(TimeProvider.System);

        protected override ValueTask<IdempotencyClaim> TryClaimCoreAsync(IdempotencyKey key, string fingerprint, TimeSpan lease, CancellationToken cancellationToken) =>
            _inner.TryClaimAsync(key, fingerprint, lease, cancellationToken);

        protected override ValueTask<bool> CompleteCoreAsync(IdempotencyKey key, long leaseToken, StoredResponse response, TimeSpan retention, CancellationToken cancellationToken) =>
            _inner.CompleteAsync(key, leaseToken, response, retention, cancellationToken);

        protected override ValueTask ReleaseCoreAsync(IdempotencyKey key, long leaseToken, CancellationToken cancellationToken) =>
            _inner.ReleaseAsync(key, leaseToken, cancellationToken);
    }
}
