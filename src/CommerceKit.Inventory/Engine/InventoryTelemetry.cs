using System.Diagnostics.Metrics;

namespace CommerceKit.Inventory.Engine;

/// <summary>The inventory's metrics, published under <see cref="CommerceKitDiagnostics"/> names.</summary>
internal static class InventoryTelemetry
{
    public const string OutcomeTag = "commercekit.inventory.outcome";

    // Indexed by ReservationOutcome.
    private static readonly string[] OutcomeNames = ["reserved", "insufficient_stock", "limit_exceeded"];

    private static readonly Meter Meter = new(CommerceKitDiagnostics.MeterName);

    public static readonly Counter<long> Reservations = Meter.CreateCounter<long>(
        "commercekit.inventory.reservations", "{reservation}", "Reservation attempts, by backend and outcome.");

    public static readonly Counter<long> Expired = Meter.CreateCounter<long>(
        "commercekit.inventory.expired", "{reservation}", "Reservations that expired and returned their stock, by backend.");

    public static void RecordReservation(string backend, ReservationOutcome outcome)
    {
        if (Reservations.Enabled)
        {
            Reservations.Add(1, new(CommerceKitDiagnostics.BackendTagName, backend), new(OutcomeTag, OutcomeNames[(int)outcome]));
        }
    }

    public static void RecordExpired(string backend, int count)
    {
        if (count > 0 && Expired.Enabled)
        {
            Expired.Add(count, new KeyValuePair<string, object?>(CommerceKitDiagnostics.BackendTagName, backend));
        }
    }
}
