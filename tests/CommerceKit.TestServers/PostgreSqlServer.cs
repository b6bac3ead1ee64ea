using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace CommerceKit.TestServers;

/// <summary>
/// A real <c>postgres</c> on a free loopback port with its data in a temporary directory. PostgreSQL refuses to
/// run as root, so when the tests run as root the server runs as the <c>postgres</c> user (or <c>nobody</c>).
/// Durability is switched off (<c>fsync=off</c>): tests need speed, and a SIGKILL of the server (not of the
/// machine) still loses no committed data. A restart after a kill recovers like after a crash.
/// </summary>
public sealed class PostgreSqlServer : LocalServer
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _dataDirectory;
    private readonly string? _runAs;

    private PostgreSqlServer(int port, string root, string? runAs)
        : base(port, root)
    {
        _dataDirectory = Path.Combine(root, "data");
        _runAs = runAs;
    }

    /// <summary>The connection string of the <c>postgres</c> database as superuser <c>postgres</c>.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = "postgres",
        Timeout = 5,
    }.ConnectionString;

    public static async Task<PostgreSqlServer> StartAsync()
    {
        var runAs = Environment.IsPrivilegedProcess ? UnprivilegedUser() : null;
        var server = new PostgreSqlServer(FreePorts.Next(), TempDirectory.Create("commercekit-postgres-"), runAs);
        if (runAs is not null)
        {
            await RunToEndAsync("chown", [runAs, server.Root]);
        }

        await RunToEndAsync(server.AsUser(ServerBinaries.InitDb), server.AsUserArguments(
            ServerBinaries.InitDb, ["-D", server._dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"]));
        await server.StartProcessAsync();
        return server;
    }

    private protected override ServerProcess StartProcess() => ServerProcess.Start(
        AsUser(ServerBinaries.Postgres),
        AsUserArguments(ServerBinaries.Postgres,
        [
            "-D", _dataDirectory,
            "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=" + Root,
            "-c", "fsync=off",
            "-c", "full_page_writes=off",
            "-c", "max_connections=300",
            "-c", "shared_buffers=64MB",
        ]));

    private protected override async Task WaitUntilReadyAsync(ServerProcess process)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"postgres exited while starting:\n{process.Output}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
                await connection.OpenAsync();
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                last = ex;
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"postgres was not ready after {StartTimeout.TotalSeconds} s ({last?.Message}):\n{process.Output}");
    }

    // setpriv execs the program in place (no fork), so the process we hold is postgres itself and kill reaches it.
    private string AsUser(string program) => _runAs is null ? program : "setpriv";

    private string[] AsUserArguments(string program, string[] arguments) => _runAs is null
        ? arguments
        : [$"--reuid={_runAs}", $"--regid={_runAs}", "--init-groups", "--", program, .. arguments];

    private static string UnprivilegedUser() =>
        File.ReadLines("/etc/passwd").Any(line => line.StartsWith("postgres:", StringComparison.Ordinal)) ? "postgres" : "nobody";

    private static async Task RunToEndAsync(string program, string[] arguments)
    {
        using var process = ServerProcess.Start(program, arguments);
        await process.WaitForSuccessAsync(StartTimeout);
    }
}
