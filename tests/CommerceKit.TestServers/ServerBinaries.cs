namespace CommerceKit.TestServers;

/// <summary>Finds the server programs the Debian packages <c>redis-server</c> and <c>postgresql</c> install.</summary>
public static class ServerBinaries
{
    private const string InstallHint = "Run ./test.sh, which installs it, or: apt-get update && apt-get install -y redis-server postgresql";

    public static string RedisServer => Find("redis-server", []);

    public static string RedisCli => Find("redis-cli", []);

    public static string Postgres => Find("postgres", PostgreSqlBinDirectories());

    public static string InitDb => Find("initdb", PostgreSqlBinDirectories());

    private static string Find(string program, IEnumerable<string> extraDirectories)
    {
        var path = Environment.GetEnvironmentVariable("PATH")?.Split(':', StringSplitOptions.RemoveEmptyEntries) ?? [];
        foreach (var directory in extraDirectories.Concat(path))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"'{program}' was not found. {InstallHint}");
    }

    // Debian keeps PostgreSQL's programs in /usr/lib/postgresql/<major>/bin, off the PATH; take the newest.
    private static IEnumerable<string> PostgreSqlBinDirectories()
    {
        if (Environment.GetEnvironmentVariable("COMMERCEKIT_PG_BIN") is { Length: > 0 } configured)
        {
            yield return configured;
        }

        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            yield break;
        }

        foreach (var version in Directory.GetDirectories(root)
            .Select(directory => (directory, major: int.TryParse(Path.GetFileName(directory), out var major) ? major : -1))
            .OrderByDescending(entry => entry.major))
        {
            yield return Path.Combine(version.directory, "bin");
        }
    }
}
