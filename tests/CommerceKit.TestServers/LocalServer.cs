using System.Collections.Concurrent;

namespace CommerceKit.TestServers;

/// <summary>
/// A server process of our own on a loopback port, with its files in a temporary directory: started, killed with
/// SIGKILL (as a crash would), restarted on the same port and files, and removed with its directory.
/// </summary>
public abstract class LocalServer : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<LocalServer, bool> s_undisposed = new();
    private ServerProcess? _process;

    static LocalServer()
    {
        // A server shared by a whole test process is never disposed: kill it when the process exits, and leave its
        // files to an rm of their own, which outlives a test host stopped before a large data directory is gone.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var server in s_undisposed.Keys)
            {
                server.Kill();
                TempDirectory.DeleteInBackground(server.Root);
            }
        };
    }

    private protected LocalServer(int port, string root)
    {
        Port = port;
        Root = root;
        s_undisposed[this] = true;
    }

    public int Port { get; }

    /// <summary>The temporary directory holding the server's files.</summary>
    public string Root { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Kills the server and everything it started with SIGKILL, as a crash would.</summary>
    public void Kill()
    {
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port and files.</summary>
    public Task RestartAsync()
    {
        Kill();
        return StartProcessAsync();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        TempDirectory.TryDelete(Root);
        s_undisposed.TryRemove(this, out _);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private protected async Task StartProcessAsync()
    {
        var process = StartProcess();
        _process = process;
        await WaitUntilReadyAsync(process);
    }

    private protected abstract ServerProcess StartProcess();

    /// <summary>Returns once the server answers; throws with the process's output when it does not in time.</summary>
    private protected abstract Task WaitUntilReadyAsync(ServerProcess process);
}
