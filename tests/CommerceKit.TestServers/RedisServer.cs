namespace CommerceKit.TestServers;

/// <summary>A real <c>redis-server</c> on a free loopback port, in a temporary directory, with no persistence.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly string[] _extraArguments;
    private ServerProcess? _process;

    private RedisServer(int port, string directory, string[] extraArguments)
    {
        Port = port;
        Directory = directory;
        _extraArguments = extraArguments;
    }

    public int Port { get; }

    public string Directory { get; }

    /// <summary>The StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<RedisServer> StartAsync(int? port = null, params string[] extraArguments)
    {
        var server = new RedisServer(
            port ?? FreePorts.Next(),
            TempDirectory.Create("commercekit-redis-"),
            extraArguments);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Kills the server with SIGKILL; its data is gone, as after a crash without persistence.</summary>
    public void Kill()
    {
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port.</summary>
    public Task RestartAsync()
    {
        Kill();
        return StartProcessAsync();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        TempDirectory.TryDelete(Directory);
        return ValueTask.CompletedTask;
    }

    private async Task StartProcessAsync()
    {
        string[] arguments =
        [
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", Directory,
            "--save", "",
            "--appendonly", "no",
            "--protected-mode", "no",
            "--daemonize", "no",
            .. _extraArguments,
        ];
        var process = ServerProcess.Start(ServerBinaries.RedisServer, arguments, Directory);
        _process = process;
        await RedisProbe.WaitUntilAsync(Port, reply => reply == "+PONG", StartTimeout, () => process.Output, "PING");
    }
}
