using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.ConformanceTests.Outbox;
using CommerceKit.Outbox;
using CommerceKit.Outbox.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Tests.Outbox;

/// <summary>
/// The outbox's counters, gauges and publish spans, under a backend name no other test uses: published, retried and
/// dead-lettered by type, the backlog, and a span per publication linked to the trace that enqueued the message.
/// </summary>
public sealed class OutboxTelemetryTests : IDisposable
{
    private const string Backend = "outbox-telemetry-test";

    private readonly MeterListener _meters = new();
    private readonly List<(string Instrument, double Value, string? Type)> _measurements = [];
    private readonly List<Activity> _spans = [];
    private readonly ActivityListener _traces;

    public OutboxTelemetryTests()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name.StartsWith("commercekit.outbox.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
        _traces = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CommerceKitDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (_spans)
                {
                    _spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_traces);
    }

    [Fact]
    public async Task Publications_retries_and_dead_letters_are_counted_by_type_and_each_publication_is_a_span_linked_to_its_enqueuing_trace()
    {
        var publisher = new RecordingPublisher { FailWhen = envelope => envelope.Type == "Poison" || (envelope.Type == "Flaky" && envelope.Attempt == 1) };
        await using var services = Services(publisher);
        var outbox = services.GetRequiredService<IOutbox>();
        using var enqueuing = new Activity("place-order").SetIdFormat(ActivityIdFormat.W3C).Start();
        await outbox.EnqueueAllAsync([Message("Placed"), Message("Flaky"), Message("Poison")]);
        enqueuing.Stop();

        await Eventually.HoldsAsync(() => Task.FromResult(Count("commercekit.outbox.dead_lettered") == 1 && Count("commercekit.outbox.published") == 2), TimeSpan.FromSeconds(10), "all settled");

        Assert.Equal(["Flaky", "Placed"], Types("commercekit.outbox.published"));
        Assert.Equal(["Flaky", "Poison"], Types("commercekit.outbox.retried"));
        Assert.Equal(["Poison"], Types("commercekit.outbox.dead_lettered"));
        Assert.Equal(3, Count("commercekit.outbox.enqueued"));
        Assert.Equal(2, Measurements("commercekit.outbox.publish.lag").Count());
        Activity[] spans;
        lock (_spans)
        {
            // Other tests publish in parallel: this test's publications are those linked to its enqueuing trace.
            spans = [.. _spans.Where(span => span.OperationName == "commercekit.outbox.publish"
                && span.Links.Any(link => link.Context.TraceId == enqueuing.TraceId))];
        }

        Assert.Equal(5, spans.Length);
        Assert.All(spans, span =>
        {
            Assert.NotEqual(enqueuing.TraceId, span.TraceId);
            Assert.Equal(enqueuing.TraceId, Assert.Single(span.Links).Context.TraceId);
        });
        Assert.Equal(3, spans.Count(span => span.Status == ActivityStatusCode.Error));
    }

    [Fact]
    public async Task The_backlog_gauges_report_what_waits_and_for_how_long()
    {
        await using var services = Services(new RecordingPublisher { FailWhen = _ => true }, o => o.MaxAttempts = 1);
        var outbox = services.GetRequiredService<IOutbox>();
        await outbox.EnqueueAllAsync([Message("Stuck", "s1"), Message("Stuck", "s2")]);

        await Eventually.HoldsAsync(
            () =>
            {
                _meters.RecordObservableInstruments();
                return Task.FromResult(Latest("commercekit.outbox.dead_letters") == 2 && Latest("commercekit.outbox.oldest_pending.age") > 0.1);
            },
            TimeSpan.FromSeconds(10),
            "two dead letters reported, waiting for over 0.1 s");
        Assert.Equal(2, Latest("commercekit.outbox.pending"));
    }

    public void Dispose()
    {
        _meters.Dispose();
        _traces.Dispose();
    }

    private static ServiceProvider Services(IOutboxPublisher publisher, Action<OutboxOptions>? configure = null)
    {
        var services = new ServiceCollection().AddSingleton(publisher).AddSingleton<OutboxStore>(new InMemoryOutboxStore(TimeProvider.System, Backend));
        services.AddCommerceKit().AddOutbox(outbox => outbox.Configure(o =>
        {
            o.MaxAttempts = 2;
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
            o.MaintenanceInterval = TimeSpan.FromMilliseconds(50);
            configure?.Invoke(o);
        }));
        return services.BuildServiceProvider();
    }

    private static OutboxMessage Message(string type, string? key = null) => new(type, Encoding.UTF8.GetBytes("{}")) { PartitionKey = key ?? type };

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var values = tags.ToArray().ToDictionary(t => t.Key, t => t.Value as string);
        if (values.GetValueOrDefault(CommerceKitDiagnostics.BackendTagName) == Backend)
        {
            lock (_measurements)
            {
                _measurements.Add((instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), values.GetValueOrDefault("commercekit.outbox.type")));
            }
        }
    }

    private IEnumerable<(string Instrument, double Value, string? Type)> Measurements(string instrument)
    {
        lock (_measurements)
        {
            return [.. _measurements.Where(m => m.Instrument == instrument)];
        }
    }

    private double Count(string instrument) => Measurements(instrument).Sum(m => m.Value);

    private string[] Types(string instrument) => [.. Measurements(instrument).Select(m => m.Type ?? "").Order()];

    private double Latest(string instrument) => Measurements(instrument).Select(m => m.Value).LastOrDefault(-1);
}
