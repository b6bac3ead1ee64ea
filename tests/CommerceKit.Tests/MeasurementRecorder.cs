using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CommerceKit.Tests;

/// <summary>Records every CommerceKit measurement of the instruments whose names start with a prefix, with its tags.</summary>
public sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();

    public MeasurementRecorder(string instrumentPrefix)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CommerceKitDiagnostics.MeterName && instrument.Name.StartsWith(instrumentPrefix, StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Measurements.Enqueue((instrument.Name, value, Tags(tags))));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Measurements.Enqueue((instrument.Name, value, Tags(tags))));
        _listener.Start();
    }

    public ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measurements { get; } = new();

    /// <summary>Reads the observable instruments (gauges) now.</summary>
    public void RecordObservables() => _listener.RecordObservableInstruments();

    public void Dispose() => _listener.Dispose();

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }
}
