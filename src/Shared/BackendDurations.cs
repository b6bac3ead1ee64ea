namespace CommerceKit.Shared;

/// <summary>Durations as the whole milliseconds Redis (<c>PX</c>, <c>PEXPIRE</c>) and the SQL functions take.</summary>
internal static class BackendDurations
{
    /// <summary>
    /// Rounded up, so a lease or a retention never ends early, and at least 1: a zero would mean "no expiry" to some
    /// Redis commands.
    /// </summary>
    public static long Milliseconds(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalMilliseconds));
}
