using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CommerceKit.TestServers;

namespace CommerceKit.ConformanceTests.Locking;

/// <summary>A separate process (tests/CommerceKit.LockHolder) holding a lock until the test kills it with SIGKILL.</summary>
public sealed partial class LockHolderProcess : IDisposable
{
    private readonly ServerProcess _process;

    private LockHolderProcess(ServerProcess process, long fencingToken)
    {
        _process = process;
        FencingToken = fencingToken;
    }

    /// <summary>The fencing token the child was granted.</summary>
    public long FencingToken { get; }

    /// <summary>Starts the child and returns once it holds the lock.</summary>
    public static async Task<LockHolderProcess> StartAsync(IEnumerable<string> arguments)
    {
        var process = ServerProcess.Start("dotnet", [HolderPath(), .. arguments]);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (Acquired().Match(process.Output) is { Success: true } match)
            {
                return new LockHolderProcess(process, long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }

            if (process.HasExited)
            {
                break;
            }

            await Task.Delay(50);
        }

        process.Dispose();
        throw new InvalidOperationException($"The lock holder did not report a lock:\n{process.Output}");
    }

    /// <summary>Kills the child with SIGKILL: no release, no goodbye.</summary>
    public void Kill() => _process.Kill();

    public void Dispose() => _process.Dispose();

    // Built beside the test projects (see the ProjectReference in CommerceKit.ConformanceTests.csproj):
    // tests/<project>/bin/<configuration>/<framework>/ → tests/CommerceKit.LockHolder/bin/<configuration>/<framework>/.
    private static string HolderPath()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        var tests = output.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "CommerceKit.LockHolder", "bin", configuration, output.Name, "CommerceKit.LockHolder.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build tests/CommerceKit.LockHolder first.", path);
    }

    [GeneratedRegex(@"acquired (\d+)")]
    private static partial Regex Acquired();
}
