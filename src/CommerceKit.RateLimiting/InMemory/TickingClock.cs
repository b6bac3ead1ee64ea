using System.Diagnostics;

namespace CommerceKit.RateLimiting.InMemory;

/// <summary>
/// The process's monotonic clock in microseconds, and a copy of it that costs one memory read. Reading the clock
/// costs more than the rest of an in-memory token-bucket grant (and more than .NET's <c>TokenBucketRateLimiter</c>
/// spends on a whole decision, because it refills on a timer instead), so a background thread stores the time every
/// millisecond while grants read it, and parks once a check finds no read since the last one.
/// </summary>
/// <remarks>
/// The copy lags the clock by the thread's sleep (about 1 ms on Linux, up to 16 ms on Windows) plus however long
/// the thread waits for a core. Only grants read it: a lagging clock makes the admission check stricter, and the
/// caller then decides again on the precise clock, so nothing is rejected because of the lag (see
/// <see cref="TokenBucketCounter"/>).
/// </remarks>
internal sealed class TickingClock(int ticksPerCheck)
{
    private const int Parked = 0;
    private const int Read = 1;
    private const int Unread = 2;

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private long _recent;
    private int _state;
    private Thread? _thread;

    /// <summary>The clock of every in-memory store on <see cref="TimeProvider.System"/>: checks once a second.</summary>
    public static TickingClock Shared { get; } = new(ticksPerCheck: 1000);

    /// <summary>Now, from the clock itself.</summary>
    public static long Precise => ToMicroseconds(Stopwatch.GetTimestamp(), Stopwatch.Frequency);

    // Integers: a double would round large timestamps. Constant divisors for the usual clocks (Stopwatch on Linux counts
    // nanoseconds, on Windows and FakeTimeProvider ticks of 100 ns) let the JIT multiply instead of divide.

    /// <summary>A timestamp of a clock that ticks <paramref name="frequency"/> times a second, in microseconds.</summary>
    public static long ToMicroseconds(long timestamp, long frequency) => frequency switch
    {
        1_000_000_000 => timestamp / 1000,
        10_000_000 => timestamp / 10,
        _ when frequency % 1_000_000 == 0 => timestamp / (frequency / 1_000_000),
        _ => (timestamp / frequency * 1_000_000) + (timestamp % frequency * 1_000_000 / frequency),
    };

    /// <summary>Now as of the last tick: never later than <see cref="Precise"/>, and never earlier than a previous read.</summary>
    public long Recent
    {
        get
        {
            var state = Volatile.Read(ref _state);
            if (state != Read)
            {
                Touch(state);
            }

            return Volatile.Read(ref _recent);
        }
    }

    /// <summary>Whether the thread is parked, for tests.</summary>
    internal bool IsParked => Volatile.Read(ref _state) == Parked;

    private void Touch(int state)
    {
        if (state == Unread)
        {
            Interlocked.CompareExchange(ref _state, Read, Unread);
            return;
        }

        lock (_gate)
        {
            if (Volatile.Read(ref _state) != Parked)
            {
                return;
            }

            // The thread is parked (or not started), so this is the only writer.
            Volatile.Write(ref _recent, Precise);
            Volatile.Write(ref _state, Read);
            if (_thread is null)
            {
                _thread = new Thread(Tick) { IsBackground = true, Name = "CommerceKit rate-limit clock" };
                _thread.Start();
            }
            else
            {
                _wake.Release();
            }
        }
    }

    private void Tick()
    {
        var ticks = 0;
        while (true)
        {
            Thread.Sleep(1);
            Volatile.Write(ref _recent, Precise);
            if (++ticks < ticksPerCheck)
            {
                continue;
            }

            ticks = 0;
            if (Interlocked.CompareExchange(ref _state, Unread, Read) == Unread
                && Interlocked.CompareExchange(ref _state, Parked, Unread) == Unread)
            {
                _wake.Wait();
            }
        }
    }
}
