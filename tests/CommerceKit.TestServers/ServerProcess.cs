using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace CommerceKit.TestServers;

/// <summary>
/// A server started as a child process, its output kept for error messages. Every live one is killed when the
/// test process exits, so a crashed test run leaves no server behind.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private static readonly ConcurrentDictionary<ServerProcess, bool> s_live = new();
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    static ServerProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var server in s_live.Keys)
            {
                server.Kill();
            }
        };
    }

    private ServerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Waits for a short-lived program (initdb, redis-cli) to finish and throws with its output when it failed.</summary>
    public async Task WaitForSuccessAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_process.StartInfo.FileName} did not finish within {timeout.TotalSeconds} s:\n{Output}");
        }

        if (_process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{_process.StartInfo.FileName} failed with exit code {_process.ExitCode}:\n{Output}");
        }
    }

    /// <summary>What the process wrote so far (stdout and stderr), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ServerProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        s_live[server] = true;
        return server;
    }

    /// <summary>Kills the process and all it started with SIGKILL, the way a crash or an OOM kill would, and waits for them.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                ProcessTree.Kill(_process.Id);
            }

            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // It was never started or already reaped: nothing left to kill.
        }

        s_live.TryRemove(this, out _);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
