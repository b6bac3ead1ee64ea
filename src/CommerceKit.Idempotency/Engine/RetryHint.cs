namespace CommerceKit.Idempotency.Engine;

/// <summary>
/// When a caller told "key in use" should come back: about when the running attempt should be done, judged by how long
/// this executor's own operations take, and never later than the attempt's lease runs out. The lease is a crash bound
/// (a minute by default); sending it as <c>Retry-After</c> would make a client wait a minute for a 300 ms operation.
/// </summary>
internal sealed class RetryHint
{
    private static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan BeforeAnyRun = TimeSpan.FromSeconds(1);

    private long _typicalTicks;

    /// <summary>Learns from one operation that ran to its end: a moving average that weighs recent runs most.</summary>
    public void Observe(TimeSpan took)
    {
        var typical = Volatile.Read(ref _typicalTicks);
        var ticks = Math.Max(took.Ticks, 1);
        Volatile.Write(ref _typicalTicks, typical == 0 ? ticks : ((typical * 7) + ticks) / 8);
    }

    /// <summary>The hint for an attempt whose claim of <paramref name="lease"/> has <paramref name="leaseLeft"/> left.</summary>
    public TimeSpan For(TimeSpan lease, TimeSpan leaseLeft)
    {
        var typical = Volatile.Read(ref _typicalTicks) is var ticks and > 0 ? TimeSpan.FromTicks(ticks) : BeforeAnyRun;
        var workLeft = typical - (lease - leaseLeft);
        var hint = workLeft > Shortest ? workLeft : Shortest;
        return hint < leaseLeft ? hint : leaseLeft;
    }
}
