namespace CommerceKit.Notifications.Scheduling;

/// <summary>
/// Local times of a recipient's zone as instants, across daylight-saving changes: a time in a gap (02:30 on a
/// spring-forward night) moves forward by the gap, to the first instant that exists; a time in an overlap (02:30 on a
/// fall-back night) is its first occurrence.
/// </summary>
internal static class LocalTimes
{
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsInvalidTime(local))
        {
            // The offset in force before the gap: the instant it gives reads, on the wall clock, as the gap's length later.
            offset = new[] { zone.GetUtcOffset(local.AddDays(-1)), zone.GetUtcOffset(local.AddDays(1)) }.Min();
        }
        else if (zone.IsAmbiguousTime(local))
        {
            offset = zone.GetAmbiguousTimeOffsets(local).Max();
        }
        else
        {
            offset = zone.GetUtcOffset(local);
        }

        return new DateTimeOffset(local.Ticks - offset.Ticks, TimeSpan.Zero);
    }

    /// <summary>When a notification due at <paramref name="due"/> may go out: at once, or at the end of the quiet hours it falls in.</summary>
    public static DateTimeOffset AfterQuietHours(DateTimeOffset due, QuietHours quietHours, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(due, zone).DateTime;
        if (!quietHours.Contains(TimeOnly.FromDateTime(local)))
        {
            return due;
        }

        var end = local.Date + quietHours.End.ToTimeSpan();
        var release = ToInstant(end > local ? end : end.AddDays(1), zone);
        return release > due ? release : due;
    }
}
