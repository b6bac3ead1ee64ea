using CommerceKit.TestServers;
using Npgsql;

namespace CommerceKit.PostgreSql.Tests;

/// <summary>
/// The crash the fault tests rely on: killing the test server ends every one of its processes before Kill returns,
/// so a restart on the same files never meets the old server's shared memory, and nothing is left running.
/// </summary>
public sealed class PostgreSqlServerKillTests
{
    [Fact]
    public async Task Kill_ends_the_postmaster_and_all_its_children_before_it_returns()
    {
        await using var server = await PostgreSqlServer.StartAsync();
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            Assert.NotEmpty(ProcessesIn(server.Root));

            server.Kill();

            Assert.Empty(ProcessesIn(server.Root));
        }

        await server.RestartAsync();
        Assert.NotEmpty(ProcessesIn(server.Root));
    }

    // Every postgres process works in its data directory; a zombie has let go of everything, so it does not count.
    private static List<int> ProcessesIn(string directory) =>
        Directory.EnumerateDirectories("/proc")
            .Select(path => int.TryParse(Path.GetFileName(path), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && WorkingDirectory(pid)?.StartsWith(directory, StringComparison.Ordinal) == true && !IsZombie(pid))
            .ToList();

    private static string? WorkingDirectory(int pid)
    {
        try
        {
            return new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] == 'Z';
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}
