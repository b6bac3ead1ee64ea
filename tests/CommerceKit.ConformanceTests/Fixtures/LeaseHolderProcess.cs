using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CommerceKit.TestServers;

namespace CommerceKit.ConformanceTests.Fixtures;

/// <summary>A separate process (tests/CommerceKit.LeaseHolder) holding a lease until the test kills it with SIGKILL.</summary>
public sealed partial class LeaseHolderProcess : IDisposable
{
    private readonly ServerProcess _process;

    private LeaseHolderProcess(ServerProcess process, long token)
    {
        _process = process;
        Token = token;
    }

    /// <summary>The token the child was granted: a lock's fencing token, an idempotency claim's lease token.</summary>
    public long Token { get; }

    /// <summary>The child's command line: see tests/CommerceKit.LeaseHolder/Program.cs.</summary>
    /// <param name="feature"><c>lock</c>, <c>idempotency</c> (the key is claimed in scope <c>holder</c>), <c>inventory</c> or <c>cache</c>.</param>
    public static IReadOnlyList<string> Arguments(string feature, string backend, string connection, string keyPrefix, string name, TimeSpan lease) =>
        [feature, backend, connection, keyPrefix, name, ((int)lease.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)];

    /// <summary>Starts the child and returns once it holds the lease.</summary>
    public static async Task<LeaseHolderProcess> StartAsync(IEnumerable<string> arguments)
    {
        var process = ServerProcess.Start("dotnet", [HolderPath(), .. arguments]);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (Acquired().Match(process.Output) is { Success: true } match)
            {
                return new LeaseHolderProcess(process, long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }

            if (process.HasExited)
            {
                break;
            }

            await Task.Delay(50);
        }

        process.Dispose();
        throw new InvalidOperationException($"The lease holder did not report a lease:\n{process.Output}");
    }

    /// <summary>The child's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Kills the child with SIGKILL: no release, no goodbye.</summary>
    public void Kill() => _process.Kill();

    public void Dispose() => _process.Dispose();

    // Built beside the test projects (see the ProjectReference in CommerceKit.ConformanceTests.csproj):
    // tests/<project>/bin/<configuration>/<framework>/ → tests/CommerceKit.LeaseHolder/bin/<configuration>/<framework>/.
    private static string HolderPath()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        var tests = output.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "CommerceKit.LeaseHolder", "bin", configuration, output.Name, "CommerceKit.LeaseHolder.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build tests/CommerceKit.LeaseHolder first.", path);
    }

    [GeneratedRegex(@"acquired (\d+)")]
    private static partial Regex Acquired();
}
