namespace CommerceKit.Outbox.InMemory;

/// <summary>The inbox in this process's memory: effectively-once for consumers in this process, until it restarts.</summary>
internal sealed class InMemoryInboxStore(TimeProvider timeProvider) : InboxStore(InMemoryOutboxStore.BackendName)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Consumer, Guid MessageId), DateTimeOffset> _recorded = [];
    private readonly Dictionary<(string Consumer, Guid MessageId), Task> _running = [];
    private readonly Queue<(string Consumer, Guid MessageId)> _byAge = new();

    public override async ValueTask<bool> ProcessOnceAsync(string consumer, Guid messageId, Func<CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
    {
        var key = (consumer, messageId);
        TaskCompletionSource done;
        while (true)
        {
            Task running;
            lock (_gate)
            {
                if (_recorded.ContainsKey(key))
                {
                    return false;
                }

                if (!_running.TryGetValue(key, out running!))
                {
                    done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _running.Add(key, done.Task);
                    break;
                }
            }

            await running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }

        try
        {
            await handler(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _recorded[key] = timeProvider.GetUtcNow();
                _byAge.Enqueue(key);
            }

            return true;
        }
        finally
        {
            lock (_gate)
            {
                _running.Remove(key);
            }

            done.SetResult();
        }
    }

    public override ValueTask<int> DeleteRecordedBeforeAsync(TimeSpan age, int maxCount, CancellationToken cancellationToken)
    {
        var deleted = 0;
        lock (_gate)
        {
            var cutoff = timeProvider.GetUtcNow() - age;
            while (deleted < maxCount && _byAge.TryPeek(out var key) && _recorded[key] <= cutoff)
            {
                _byAge.Dequeue();
                _recorded.Remove(key);
                deleted++;
            }
        }

        return new(deleted);
    }
}
