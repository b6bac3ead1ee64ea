using System.Diagnostics;

namespace CommerceKit.ConformanceTests.Fixtures;

/// <summary>Waits on a condition with a deadline, never on a guessed sleep.</summary>
public static class Eventually
{
    /// <summary>
    /// Runs <paramref name="action"/> until it no longer throws <see cref="BackendUnavailableException"/>, for a
    /// backend coming back after a restart. After <paramref name="deadline"/> the last failure is thrown.
    /// </summary>
    public static async Task BackendServesAsync(Func<Task> action, TimeSpan deadline)
    {
        ArgumentNullException.ThrowIfNull(action);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await action();
                return;
            }
            catch (BackendUnavailableException) when (clock.Elapsed < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Checks <paramref name="condition"/> every 50 ms until it holds; fails with <paramref name="what"/> after <paramref name="deadline"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"Still not true after {deadline}: {what}");
            }

            await Task.Delay(50);
        }
    }
}
