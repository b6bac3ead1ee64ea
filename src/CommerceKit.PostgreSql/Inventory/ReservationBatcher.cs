using System.Threading.Channels;
using CommerceKit.Inventory;

namespace CommerceKit.PostgreSql.Inventory;

/// <summary>
/// Coalesces one-line reservations: one loop takes every request queued while the previous batch ran (up to a
/// maximum) and reserves them in one call. A request cancelled after it was queued may still be reserved; its hold
/// then simply expires.
/// </summary>
internal sealed class ReservationBatcher : IAsyncDisposable
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<ReservationRequest>, CancellationToken, Task<IReadOnlyList<ReservationResult>>> _reserveBatch;
    private readonly int _maxBatchSize;
    private readonly Lazy<Task> _loop;

    public ReservationBatcher(Func<IReadOnlyList<ReservationRequest>, CancellationToken, Task<IReadOnlyList<ReservationResult>>> reserveBatch, int maxBatchSize)
    {
        _reserveBatch = reserveBatch;
        _maxBatchSize = maxBatchSize;
        _loop = new Lazy<Task>(() => Task.Run(RunAsync));
    }

    public Task<ReservationResult> ReserveAsync(ReservationRequest request, CancellationToken cancellationToken)
    {
        var pending = new Pending(request, new TaskCompletionSource<ReservationResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(ReservationBatcher));
        }

        _ = _loop.Value;
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop.IsValueCreated)
        {
            await _loop.Value.ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_maxBatchSize);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxBatchSize && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                var results = await _reserveBatch([.. batch.Select(pending => pending.Request)], CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(results[i]);
                }
            }
            catch (Exception exception)
            {
                // The batch was one transaction: none of it happened, and every request gets the failure.
                batch.ForEach(pending => pending.Completion.TrySetException(exception));
            }
        }
    }

    private sealed record Pending(ReservationRequest Request, TaskCompletionSource<ReservationResult> Completion);
}
