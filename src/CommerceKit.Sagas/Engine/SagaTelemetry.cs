using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CommerceKit.Sagas.Engine;

/// <summary>The sagas' traces and metrics, published under <see cref="CommerceKitDiagnostics"/> names.</summary>
internal static class SagaTelemetry
{
    public const string SagaTag = "commercekit.saga.name";
    public const string SagaIdTag = "commercekit.saga.id";
    public const string StepTag = "commercekit.saga.step";
    public const string OutcomeTag = "commercekit.saga.outcome";

    public static readonly ActivitySource Source = new(CommerceKitDiagnostics.ActivitySourceName);

    private static readonly Meter Meter = new(CommerceKitDiagnostics.MeterName);

    // The last counts each running engine read, by backend: observed by the gauge without a query of its own.
    private static readonly ConcurrentDictionary<object, (string Backend, IReadOnlyDictionary<SagaStatus, long> Counts)> Counts = new();

    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>(
        "commercekit.saga.step.duration", "s", "One step or compensation, all its attempts, by backend, saga, step and outcome.");

    public static readonly Counter<long> StepRetries = Meter.CreateCounter<long>(
        "commercekit.saga.step.retries", "{attempt}", "Failed attempts of steps and compensations that are tried again, by backend, saga and step.");

    public static readonly Counter<long> Ended = Meter.CreateCounter<long>(
        "commercekit.saga.ended", "{saga}", "Sagas that ended or were parked, by backend, saga and outcome.");

    static SagaTelemetry()
    {
        Meter.CreateObservableGauge(
            "commercekit.saga.sagas",
            () => Counts.Values.SelectMany(entry => entry.Counts.Select(count => new Measurement<long>(
                count.Value, new(CommerceKitDiagnostics.BackendTagName, entry.Backend), new("commercekit.saga.status", count.Key.ToString())))),
            "{saga}",
            "Sagas by status, as the runner last counted them.");
    }

    public static void ReportCounts(object engine, string backend, IReadOnlyDictionary<SagaStatus, long> counts) => Counts[engine] = (backend, counts);

    public static void ForgetCounts(object engine) => Counts.TryRemove(engine, out _);

    public static void RecordStep(string backend, string saga, string step, string outcome, TimeSpan duration)
    {
        if (StepDuration.Enabled)
        {
            StepDuration.Record(duration.TotalSeconds, Backend(backend), new(SagaTag, saga), new(StepTag, step), new(OutcomeTag, outcome));
        }
    }

    public static void CountRetry(string backend, string saga, string step)
    {
        if (StepRetries.Enabled)
        {
            StepRetries.Add(1, Backend(backend), new(SagaTag, saga), new(StepTag, step));
        }
    }

    public static void CountEnded(string backend, string saga, SagaStatus outcome)
    {
        if (Ended.Enabled)
        {
            Ended.Add(1, Backend(backend), new(SagaTag, saga), new(OutcomeTag, outcome.ToString()));
        }
    }

    private static KeyValuePair<string, object?> Backend(string backend) => new(CommerceKitDiagnostics.BackendTagName, backend);
}
