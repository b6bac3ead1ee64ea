using CommerceKit.ConformanceTests.Coverage;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Locking;

namespace CommerceKit.ConformanceTests.Locking;

/// <summary>What every lock backend must do. Each test gets a fresh key prefix, so tests never share locks.</summary>
[ConformanceSuite("Locking", ConformanceBackend.InMemory, ConformanceBackend.Redis, ConformanceBackend.RedisCluster, ConformanceBackend.PostgreSql)]
public abstract class DistributedLockConformanceTests : LockingSuite
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_acquired_lock_carries_its_name_and_a_positive_fencing_token()
    {
        var provider = Backend.CreateProvider();

        await using var handle = await provider.CreateLock("nightly-reconciliation").AcquireAsync(TimeSpan.Zero);

        Assert.Equal("nightly-reconciliation", handle.Name);
        Assert.True(handle.FencingToken > 0);
        Assert.False(handle.HandleLost.IsCancellationRequested);
    }

    [Fact]
    public async Task A_held_lock_is_not_granted_to_another_instance()
    {
        var first = Backend.CreateProvider();
        var second = Backend.CreateProvider();
        await using var held = await first.CreateLock("order-1").AcquireAsync(TimeSpan.Zero);

        var other = await second.CreateLock("order-1").TryAcquireAsync();

        Assert.Null(other);
    }

    [Fact]
    public async Task The_lock_is_not_reentrant()
    {
        var orderLock = Backend.CreateProvider().CreateLock("order-2");
        await using var held = await orderLock.AcquireAsync(TimeSpan.Zero);

        var again = await orderLock.TryAcquireAsync(TimeSpan.FromMilliseconds(200));

        Assert.Null(again);
    }

    [Theory]
    [InlineData("sku:FLASH-001", "sku:FLASH-002")]
    [InlineData("a}b%c", "a}b%d")]
    [InlineData("ünïcødé 🔒", "ünïcødé 🔓")]
    public async Task Locks_with_different_names_do_not_exclude_each_other(string firstName, string secondName)
    {
        var provider = Backend.CreateProvider();

        await using var first = await provider.CreateLock(firstName).TryAcquireAsync();
        await using var second = await provider.CreateLock(secondName).TryAcquireAsync();

        Assert.NotNull(first);
        Assert.NotNull(second);
    }

    [Fact]
    public async Task A_released_lock_is_granted_again_with_a_larger_fencing_token()
    {
        var provider = Backend.CreateProvider();
        var orderLock = provider.CreateLock("order-3");
        var first = await orderLock.AcquireAsync(TimeSpan.Zero);
        await first.DisposeAsync();

        await using var second = await Backend.CreateProvider().CreateLock("order-3").AcquireAsync(TimeSpan.Zero);

        Assert.True(second.FencingToken > first.FencingToken, $"{second.FencingToken} should exceed {first.FencingToken}");
    }

    [Fact]
    public async Task A_waiter_on_another_instance_is_woken_by_the_release_not_by_polling()
    {
        // Polling every five minutes and a 30 s lease: only the release notification can hand the lock over in time.
        static void SlowPolling(DistributedLockOptions o)
        {
            o.Expiry = TimeSpan.FromSeconds(30);
            o.FallbackPollInterval = TimeSpan.FromMinutes(5);
        }

        var holder = await Backend.CreateProvider(SlowPolling).CreateLock("handoff").AcquireAsync(TimeSpan.Zero);
        var waiting = Backend.CreateProvider(SlowPolling).CreateLock("handoff").AcquireAsync(Deadline).AsTask();
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);

        await holder.DisposeAsync();
        await using var next = await waiting;

        Assert.True(next.FencingToken > holder.FencingToken);
    }

    [Fact]
    public async Task Only_a_release_that_someone_waited_for_is_announced()
    {
        var heard = await Backend.HearReleasesAsync();
        var provider = Backend.CreateProvider();
        var unwatched = await provider.CreateLock("unwatched").AcquireAsync(TimeSpan.Zero);
        await unwatched.DisposeAsync();

        var watched = await provider.CreateLock("watched").AcquireAsync(TimeSpan.Zero);
        Assert.Null(await Backend.CreateProvider().CreateLock("watched").TryAcquireAsync());
        await watched.DisposeAsync();

        // Announcements of one server arrive in order; a cluster's nodes forward theirs each at its own pace.
        await Eventually.HoldsAsync(() => Task.FromResult(heard.Contains("watched")), Deadline, "the release of 'watched' is announced");
        await Task.Delay(200);
        Assert.DoesNotContain("unwatched", heard);
    }

    [Fact]
    public async Task TryAcquire_returns_null_when_the_holder_keeps_the_lock_past_the_timeout()
    {
        await using var held = await Backend.CreateProvider().CreateLock("busy").AcquireAsync(TimeSpan.Zero);

        var attempt = await Backend.CreateProvider().CreateLock("busy").TryAcquireAsync(TimeSpan.FromMilliseconds(300));

        Assert.Null(attempt);
    }

    [Fact]
    public async Task Acquire_throws_TimeoutException_when_the_holder_keeps_the_lock_past_the_timeout()
    {
        await using var held = await Backend.CreateProvider().CreateLock("busy").AcquireAsync(TimeSpan.Zero);

        var failure = await Assert.ThrowsAsync<TimeoutException>(
            () => Backend.CreateProvider().CreateLock("busy").AcquireAsync(TimeSpan.FromMilliseconds(300)).AsTask());

        Assert.Contains("busy", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Canceling_a_waiter_throws_and_leaves_nothing_held()
    {
        var provider = Backend.CreateProvider();
        var holder = await provider.CreateLock("canceled").AcquireAsync(TimeSpan.Zero);
        using var cancellation = new CancellationTokenSource();
        var waiting = Backend.CreateProvider().CreateLock("canceled").AcquireAsync(cancellationToken: cancellation.Token).AsTask();

        await Task.Delay(200);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await holder.DisposeAsync();

        await using var next = await provider.CreateLock("canceled").TryAcquireAsync();
        Assert.NotNull(next);
    }

    [Fact]
    public async Task A_waiter_that_timed_out_leaves_nothing_held()
    {
        var provider = Backend.CreateProvider();
        var holder = await provider.CreateLock("timed-out").AcquireAsync(TimeSpan.Zero);

        var attempt = await Backend.CreateProvider().CreateLock("timed-out").TryAcquireAsync(TimeSpan.FromMilliseconds(200));
        await holder.DisposeAsync();

        Assert.Null(attempt);
        await using var next = await provider.CreateLock("timed-out").TryAcquireAsync();
        Assert.NotNull(next);
    }

    [Fact]
    public async Task A_canceled_token_fails_before_anything_is_acquired()
    {
        var orderLock = Backend.CreateProvider().CreateLock("precanceled");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => orderLock.TryAcquireAsync(TimeSpan.Zero, new CancellationToken(canceled: true)).AsTask());

        await using var handle = await orderLock.TryAcquireAsync();
        Assert.NotNull(handle);
    }

    [Fact]
    public async Task Renewal_keeps_the_lease_well_past_its_expiry()
    {
        var provider = Backend.CreateProvider(o => o.Expiry = TimeSpan.FromMilliseconds(600));
        await using var held = await provider.CreateLock("long-job").AcquireAsync(TimeSpan.Zero);

        await Task.Delay(TimeSpan.FromMilliseconds(2000));
        var other = await Backend.CreateProvider().CreateLock("long-job").TryAcquireAsync();

        Assert.Null(other);
        Assert.False(held.HandleLost.IsCancellationRequested);
    }

    [Fact]
    public async Task After_MaxHoldTime_HandleLost_fires_and_the_lease_expires_to_a_larger_token()
    {
        var expiry = TimeSpan.FromSeconds(1);
        var stuck = await Backend.CreateProvider(o => { o.Expiry = expiry; o.MaxHoldTime = TimeSpan.FromMilliseconds(300); })
            .CreateLock("stuck").AcquireAsync(TimeSpan.Zero);

        await stuck.LostWithinAsync(Deadline);
        await using var next = await Backend.CreateProvider().CreateLock("stuck").AcquireAsync(expiry + TimeSpan.FromSeconds(1));

        Assert.True(next.FencingToken > stuck.FencingToken);
        await stuck.DisposeAsync();
    }

    [Fact]
    public async Task A_stale_holder_disposing_late_does_not_release_the_next_holders_lease()
    {
        var stale = await Backend.CreateProvider(o => { o.Expiry = TimeSpan.FromMilliseconds(500); o.MaxHoldTime = TimeSpan.FromMilliseconds(100); })
            .CreateLock("stale").AcquireAsync(TimeSpan.Zero);
        await stale.LostWithinAsync(Deadline);
        await using var next = await Backend.CreateProvider().CreateLock("stale").AcquireAsync(Deadline);

        await stale.DisposeAsync();
        await stale.DisposeAsync();

        Assert.Null(await Backend.CreateProvider().CreateLock("stale").TryAcquireAsync());
        Assert.False(next.HandleLost.IsCancellationRequested);
    }

    [Fact]
    public async Task HandleLost_fires_when_the_lease_is_deleted_behind_the_holders_back()
    {
        var provider = Backend.CreateProvider(o => o.Expiry = TimeSpan.FromSeconds(1));
        await using var held = await provider.CreateLock("deleted").AcquireAsync(TimeSpan.Zero);

        await Backend.DeleteLeaseAsync("deleted");

        await held.LostWithinAsync(Deadline);
    }

    [Fact]
    public async Task Disposing_does_not_fire_HandleLost()
    {
        var held = await Backend.CreateProvider().CreateLock("disposed").AcquireAsync(TimeSpan.Zero);

        await held.DisposeAsync();

        Assert.False(held.HandleLost.IsCancellationRequested);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("line\nbreak")]
    public void Invalid_lock_names_are_refused_with_the_parameter_name(string name)
    {
        var provider = Backend.CreateProvider();

        var failure = Assert.ThrowsAny<ArgumentException>(() => provider.CreateLock(name));

        Assert.Equal("name", failure.ParamName);
    }

    [Fact]
    public void An_over_long_lock_name_is_refused_with_the_parameter_name()
    {
        var provider = Backend.CreateProvider();

        var failure = Assert.Throws<ArgumentException>(() => provider.CreateLock(new string('x', KeyGuard.MaxLength + 1)));

        Assert.Equal("name", failure.ParamName);
    }

    [Fact]
    public async Task Negative_timeouts_are_refused_with_the_parameter_name()
    {
        var orderLock = Backend.CreateProvider().CreateLock("timeouts");

        var tryFailure = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => orderLock.TryAcquireAsync(TimeSpan.FromSeconds(-1)).AsTask());
        var acquireFailure = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => orderLock.AcquireAsync(TimeSpan.FromMilliseconds(-2)).AsTask());

        Assert.Equal("timeout", tryFailure.ParamName);
        Assert.Equal("timeout", acquireFailure.ParamName);
        await using var handle = await orderLock.TryAcquireAsync();
        Assert.NotNull(handle);
    }

    [Fact]
    public async Task Eight_workers_on_three_instances_doing_unprotected_read_modify_writes_lose_no_update()
    {
        const int Workers = 8;
        const int Rounds = 500;
        var providers = Enumerable.Range(0, 3).Select(_ => Backend.CreateProvider()).ToArray();
        var counter = 0;
        var tokens = new List<long>(Workers * Rounds);

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var counterLock = providers[worker % providers.Length].CreateLock("counter");
            for (var round = 0; round < Rounds; round++)
            {
                await using var handle = await counterLock.AcquireAsync(TimeSpan.FromMinutes(1));
                tokens.Add(handle.FencingToken);
                var read = counter;
                await Task.Yield();
                counter = read + 1;
            }
        })));

        Assert.Equal(Workers * Rounds, counter);
        Assert.Equal(Workers * Rounds, tokens.Count);
        for (var i = 1; i < tokens.Count; i++)
        {
            Assert.True(tokens[i] > tokens[i - 1], $"token {i} ({tokens[i]}) is not above token {i - 1} ({tokens[i - 1]})");
        }
    }
}
