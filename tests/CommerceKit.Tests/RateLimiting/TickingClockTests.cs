using CommerceKit.RateLimiting.InMemory;

namespace CommerceKit.Tests.RateLimiting;

/// <summary>The cheap copy of the clock the in-memory token bucket grants on: behind, never ahead, never backwards.</summary>
public sealed class TickingClockTests
{
    private static readonly long Tolerance = (long)TimeSpan.FromMilliseconds(200).TotalMicroseconds;

    [Fact]
    public async Task The_copy_follows_the_clock_without_passing_it_or_going_back()
    {
        var clock = new TickingClock(ticksPerCheck: 1000);
        var started = clock.Recent;
        var previous = started;
        var deadline = TickingClock.Precise + (long)TimeSpan.FromMilliseconds(300).TotalMicroseconds;

        while (TickingClock.Precise < deadline)
        {
            var recent = clock.Recent;
            var precise = TickingClock.Precise;
            Assert.InRange(recent, previous, precise);
            previous = recent;
            await Task.Delay(1);
        }

        // It moved with the clock: 300 ms passed, so the copy advanced by more than a tick or two.
        Assert.True(previous - started >= (long)TimeSpan.FromMilliseconds(100).TotalMicroseconds, $"The copy advanced {previous - started} µs in 300 ms.");
    }

    [Fact]
    public async Task The_thread_parks_when_nobody_reads_and_the_next_read_is_fresh()
    {
        var clock = new TickingClock(ticksPerCheck: 10);
        _ = clock.Recent;
        Assert.False(clock.IsParked);

        // Two checks without a read: the first marks the copy unread, the second parks.
        var deadline = TickingClock.Precise + (long)TimeSpan.FromSeconds(10).TotalMicroseconds;
        while (!clock.IsParked && TickingClock.Precise < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(clock.IsParked);
        await Task.Delay(300);

        var before = TickingClock.Precise;
        var recent = clock.Recent;

        Assert.InRange(recent, before, TickingClock.Precise);
        Assert.False(clock.IsParked);
        await Task.Delay(100);
        Assert.InRange(clock.Recent, before + 1, TickingClock.Precise);
    }

    [Fact]
    public async Task The_copy_lags_the_clock_by_little()
    {
        var clock = new TickingClock(ticksPerCheck: 1000);
        _ = clock.Recent;
        await Task.Delay(500);

        // A copy that stopped ticking would be 500 ms behind.
        Assert.InRange(TickingClock.Precise - clock.Recent, 0, Tolerance);
    }
}
