namespace CommerceKit;

/// <summary>
/// The names under which CommerceKit publishes telemetry. Subscribe to them with OpenTelemetry
/// (<c>AddSource(CommerceKitDiagnostics.ActivitySourceName)</c>, <c>AddMeter(CommerceKitDiagnostics.MeterName)</c>).
/// Instruments are named <c>commercekit.&lt;feature&gt;.&lt;thing&gt;</c>, durations in seconds.
/// </summary>
public static class CommerceKitDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> every CommerceKit package traces with.</summary>
    public const string ActivitySourceName = "CommerceKit";

    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> every CommerceKit package records to.</summary>
    public const string MeterName = "CommerceKit";

    /// <summary>The tag naming the backend an operation used: <c>memory</c>, <c>redis</c> or <c>postgresql</c>.</summary>
    public const string BackendTagName = "commercekit.backend";
}
