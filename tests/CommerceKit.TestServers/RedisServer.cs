using System.Globalization;

namespace CommerceKit.TestServers;

/// <summary>A real <c>redis-server</c> on a free loopback port, in a temporary directory, with no persistence.</summary>
public sealed class RedisServer : LocalServer
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly string[] _extraArguments;

    private RedisServer(int port, string root, string[] extraArguments)
        : base(port, root)
    {
        _extraArguments = extraArguments;
    }

    /// <summary>The StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts a server; killing it loses its data, as a crash without persistence would.</summary>
    public static async Task<RedisServer> StartAsync(int? port = null, params string[] extraArguments)
    {
        var server = new RedisServer(port ?? FreePorts.Next(), TempDirectory.Create("commercekit-redis-"), extraArguments);
        await server.StartProcessAsync();
        return server;
    }

    private protected override ServerProcess StartProcess() => ServerProcess.Start(
        ServerBinaries.RedisServer,
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", Root,
            "--save", "",
            "--appendonly", "no",
            "--protected-mode", "no",
            "--daemonize", "no",
            .. _extraArguments,
        ],
        Root);

    private protected override Task WaitUntilReadyAsync(ServerProcess process) =>
        RedisProbe.WaitUntilAsync(Port, reply => reply == "+PONG", StartTimeout, () => process.Output, "PING");
}
