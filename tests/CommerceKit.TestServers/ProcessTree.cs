using System.Diagnostics;
using System.Globalization;

namespace CommerceKit.TestServers;

/// <summary>
/// Kills a process and its descendants with SIGKILL and waits until they are gone. Unlike
/// <see cref="Process.Kill(bool)"/> it stops nothing first: that one sends SIGSTOP to each process before it looks
/// for its children, so a test host that ends halfway (at exit, when the test runner stops it) leaves a stopped
/// postgres child behind for good, holding the server's shared memory. Killed here, a child forked in between
/// still sees its postmaster die and exits by itself.
/// </summary>
internal static class ProcessTree
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);

    public static void Kill(int root)
    {
        var doomed = new List<int> { root };
        doomed.AddRange(Descendants(root));
        foreach (var pid in doomed)
        {
            TryKill(pid);
        }

        // A restart on the same files needs the old processes gone: postgres refuses to start while any process
        // of the old server still holds its shared memory.
        SpinWait.SpinUntil(() => !doomed.Any(IsRunning), ExitWait);
    }

    private static IEnumerable<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var (pid, parent) in ParentsOfAll())
        {
            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }

            list.Add(pid);
        }

        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var pid))
        {
            foreach (var child in children.GetValueOrDefault(pid) ?? [])
            {
                yield return child;
                pending.Push(child);
            }
        }
    }

    private static IEnumerable<(int Pid, int Parent)> ParentsOfAll()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && StatFields(pid) is { } fields)
            {
                yield return (pid, int.Parse(fields[1], CultureInfo.InvariantCulture));
            }
        }
    }

    // Running, or still to be reaped: a zombie holds nothing any more.
    private static bool IsRunning(int pid) => StatFields(pid) is { } fields && fields[0] != "Z";

    // /proc/<pid>/stat is "pid (name) state ppid ..."; the name may hold spaces and parentheses, so the fields are
    // read after the last ')': state first, then the parent.
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // Gone meanwhile.
        }
    }

    private static void TryKill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone meanwhile, or not ours to kill.
        }
    }
}
