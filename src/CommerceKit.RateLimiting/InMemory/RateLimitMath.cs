namespace CommerceKit.RateLimiting.InMemory;

/// <summary>
/// The decisions of each algorithm on plain numbers (times in microseconds). The Redis scripts and PostgreSQL
/// functions make the same decisions; keep them in step.
/// </summary>
internal static class RateLimitMath
{
    /// <summary>GCRA: <paramref name="theoreticalArrival"/> is when the bucket would be full again.</summary>
    public static RateLimitDecision TokenBucket(ref long theoreticalArrival, long now, int permits, long interval, int limit)
    {
        var tolerance = interval * limit;
        var start = Math.Max(theoreticalArrival, now);
        var next = start + (Math.Max(permits, 1) * interval);
        if (!Admits(next, now, tolerance))
        {
            return RateLimitDecision.FromMicroseconds(false, (tolerance - (start - now)) / interval, next - tolerance - now, start - now);
        }

        if (permits == 0)
        {
            return RateLimitDecision.FromMicroseconds(true, (tolerance - (start - now)) / interval, 0, start - now);
        }

        theoreticalArrival = next;
        return RateLimitDecision.FromMicroseconds(true, (tolerance - (next - now)) / interval, 0, next - now);
    }

    /// <summary>
    /// GCRA's admission alone, for the in-memory fast path: whether <paramref name="permits"/> (more than 0) fit,
    /// and the theoretical arrival after taking them.
    /// </summary>
    public static bool TryTake(long theoreticalArrival, long now, int permits, long interval, long tolerance, out long next)
    {
        next = Math.Max(theoreticalArrival, now) + (permits * interval);
        return Admits(next, now, tolerance);
    }

    private static bool Admits(long next, long now, long tolerance) => next - now <= tolerance;

    /// <summary>A fixed window aligned to the epoch.</summary>
    public static RateLimitDecision FixedWindow(ref long windowStart, ref long count, long now, int permits, long window, int limit)
    {
        var currentStart = now - (now % window);
        if (windowStart != currentStart)
        {
            windowStart = currentStart;
            count = 0;
        }

        var reset = currentStart + window - now;
        if (count + Math.Max(permits, 1) > limit)
        {
            return RateLimitDecision.FromMicroseconds(false, limit - count, reset, reset);
        }

        count += permits;
        return RateLimitDecision.FromMicroseconds(true, limit - count, 0, reset);
    }

    /// <summary>A sliding log of every grant still in the window.</summary>
    public static RateLimitDecision SlidingWindow(SlidingLog log, long now, int permits, long window, int limit)
    {
        while (log.Entries.TryPeek(out var oldest) && oldest.At <= now - window)
        {
            log.Total -= log.Entries.Dequeue().Permits;
        }

        var needed = log.Total + Math.Max(permits, 1) - limit;
        if (needed > 0)
        {
            // Wait until enough of the oldest grants have left the window.
            long freed = 0, leavesAt = now;
            foreach (var (at, granted) in log.Entries)
            {
                freed += granted;
                leavesAt = at + window;
                if (freed >= needed)
                {
                    break;
                }
            }

            return RateLimitDecision.FromMicroseconds(false, limit - log.Total, leavesAt - now, log.NewestAt + window - now);
        }

        if (permits > 0)
        {
            log.Entries.Enqueue((now, permits));
            log.Total += permits;
            log.NewestAt = now;
        }

        return RateLimitDecision.FromMicroseconds(true, limit - log.Total, 0, log.Entries.Count == 0 ? 0 : log.NewestAt + window - now);
    }
}

/// <summary>The grants of one sliding-window key still in the window, oldest first.</summary>
internal sealed class SlidingLog
{
    public Queue<(long At, int Permits)> Entries { get; } = new();

    public long Total { get; set; }

    public long NewestAt { get; set; }
}
