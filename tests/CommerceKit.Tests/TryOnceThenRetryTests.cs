using CommerceKit.Shared;

namespace CommerceKit.Tests;

public sealed class TryOnceThenRetryTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_refused_first_attempt_gets_exactly_the_configured_retries(int retries)
    {
        var pipeline = RetryPipelines.Create(retries, TimeSpan.Zero, _ => true, TimeProvider.System, (_, _) => { });
        var attempts = 0;

        await Assert.ThrowsAsync<TimeoutException>(() => pipeline.TryOnceThenRetryAsync<int, int>(
            (_, _) => { attempts++; throw new TimeoutException("refused"); }, 0, _ => true, default).AsTask());

        Assert.Equal(1 + retries, attempts);
    }

    [Fact]
    public async Task A_retry_that_succeeds_returns_its_result()
    {
        var pipeline = RetryPipelines.Create(3, TimeSpan.Zero, _ => true, TimeProvider.System, (_, _) => { });
        var attempts = 0;

        var result = await pipeline.TryOnceThenRetryAsync(
            (offset, _) => ++attempts < 3 ? throw new TimeoutException("refused") : ValueTask.FromResult(offset + attempts), 40, _ => true, default);

        Assert.Equal(43, result);
    }

    [Fact]
    public async Task A_failure_that_is_not_safe_to_retry_is_not_retried()
    {
        var pipeline = RetryPipelines.Create(3, TimeSpan.Zero, _ => true, TimeProvider.System, (_, _) => { });
        var attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.TryOnceThenRetryAsync<int, int>(
            (_, _) => { attempts++; throw new InvalidOperationException("may have run"); }, 0, e => e is TimeoutException, default).AsTask());

        Assert.Equal(1, attempts);
    }
}
