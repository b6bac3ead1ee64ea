using CommerceKit.Locking;

namespace CommerceKit.ConformanceTests.Locking;

public static class LockAssertions
{
    /// <summary>Completes when the handle reports its lease lost; fails the test when that takes longer than <paramref name="deadline"/>.</summary>
    public static Task LostWithinAsync(this ILockHandle handle, TimeSpan deadline)
    {
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        handle.HandleLost.Register(() => lost.TrySetResult());
        return lost.Task.WaitAsync(deadline);
    }
}
