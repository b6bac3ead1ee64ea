using Microsoft.Extensions.Hosting;

namespace CommerceKit.Shared.Hosting;

/// <summary>
/// A feature's background work (a sweeper, a dispatcher, retention): loops that start when the host starts them or on
/// the feature's first use, whichever comes first, so the feature works without a Generic Host too; they stop with the
/// host or when the service provider is disposed. Registered both as itself and as a hosted service, so the container
/// may stop and dispose it twice: both are harmless.
/// </summary>
internal abstract class BackgroundLoops : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task[]? _loops;

    /// <summary>Cancelled when the loops are told to stop, for work the feature starts outside its loops.</summary>
    public CancellationToken StoppingToken => _stopping.Token;

    /// <summary>Starts the loops unless they run already or were stopped.</summary>
    public void EnsureStarted()
    {
        if (_loops is not null)
        {
            return;
        }

        lock (_gate)
        {
            if (_loops is null && !_stopping.IsCancellationRequested && ShouldStart())
            {
                OnStarting();
                var stoppingToken = _stopping.Token;
                _loops = [.. Loops().Select(loop => Task.Run(() => loop(stoppingToken)))];
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] loops;
        lock (_gate)
        {
            RequestStop();
            loops = _loops ?? [];
        }

        await Task.WhenAll(loops).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));

    // A provider disposed synchronously cannot wait for the loops: they are told to stop and end at their next await.
    public void Dispose()
    {
        lock (_gate)
        {
            RequestStop();
        }
    }

    /// <summary>Whether the loops may start at all (an option may switch them off).</summary>
    protected virtual bool ShouldStart() => true;

    /// <summary>Runs once, just before the loops start.</summary>
    protected virtual void OnStarting()
    {
    }

    /// <summary>Runs once, when the loops are told to stop.</summary>
    protected virtual void OnStopping()
    {
    }

    /// <summary>The loops, each run until the token is cancelled.</summary>
    protected abstract IEnumerable<Func<CancellationToken, Task>> Loops();

    private void RequestStop()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _stopping.Cancel();
            OnStopping();
        }
    }
}
