namespace CommerceKit.ReferenceShop.Demo;

/// <summary>Percentiles of measured latencies, the sale's and the floor's alike.</summary>
internal static class Latencies
{
    /// <summary>The <paramref name="quantile"/> (0.99 for p99) of <paramref name="sorted"/> milliseconds, to 0.1 ms.</summary>
    public static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)], 1);
}
