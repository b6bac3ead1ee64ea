using CommerceKit.Idempotency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CommerceKit.Tests.Idempotency;

/// <summary>"Key in use" tells the caller to come back when the first attempt should be done, not when its lease ends.</summary>
public sealed class KeyInUseRetryAfterTests : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();
    private readonly ServiceProvider _services;
    private readonly IIdempotencyExecutor _executor;

    public KeyInUseRetryAfterTests()
    {
        _services = new ServiceCollection().AddSingleton<TimeProvider>(_time)
            .AddCommerceKit().AddIdempotency(idempotency => idempotency.Configure(o => o.Lease = Lease)).Services.BuildServiceProvider();
        _executor = _services.GetRequiredService<IIdempotencyExecutor>();
    }

    [Fact]
    public async Task Before_any_operation_finished_the_hint_is_a_second_less_the_time_already_run()
    {
        var (first, finish) = Start("order-1");
        _time.Advance(TimeSpan.FromMilliseconds(200));

        var inUse = await Assert.ThrowsAsync<IdempotencyKeyInUseException>(() => _executor.ExecuteAsync(Key("order-1"), "fp", (_, _) => Task.FromResult(2)));

        Assert.Equal(TimeSpan.FromMilliseconds(800), inUse.RetryAfter);
        finish.SetResult(1);
        Assert.Equal(1, (await first).Value);
    }

    [Fact]
    public async Task After_operations_of_300_ms_the_hint_is_what_is_left_of_300_ms()
    {
        var (done, finishDone) = Start("order-0");
        _time.Advance(TimeSpan.FromMilliseconds(300));
        finishDone.SetResult(0);
        await done;
        var (running, finish) = Start("order-1");
        _time.Advance(TimeSpan.FromMilliseconds(100));

        var inUse = await Assert.ThrowsAsync<IdempotencyKeyInUseException>(() => _executor.ExecuteAsync(Key("order-1"), "fp", (_, _) => Task.FromResult(2)));

        Assert.Equal(TimeSpan.FromMilliseconds(200), inUse.RetryAfter);
        finish.SetResult(1);
        await running;
    }

    [Fact]
    public async Task An_attempt_running_longer_than_usual_gets_a_short_hint_never_the_lease()
    {
        var (running, finish) = Start("order-1");
        _time.Advance(TimeSpan.FromSeconds(20));

        var inUse = await Assert.ThrowsAsync<IdempotencyKeyInUseException>(() => _executor.ExecuteAsync(Key("order-1"), "fp", (_, _) => Task.FromResult(2)));

        Assert.Equal(TimeSpan.FromMilliseconds(100), inUse.RetryAfter);
        finish.SetResult(1);
        await running;
    }

    public void Dispose() => _services.Dispose();

    private static IdempotencyKey Key(string key) => new("customer-1", key);

    private (Task<IdempotentResult<int>> Running, TaskCompletionSource<int> Finish) Start(string key)
    {
        var finish = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        return (_executor.ExecuteAsync(Key(key), "fp", (_, _) => finish.Task), finish);
    }
}
