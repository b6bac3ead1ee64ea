using System.Diagnostics;

namespace CommerceKit.TestServers;

/// <summary>Temporary directories of the test servers.</summary>
internal static class TempDirectory
{
    public static string Create(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>Starts <c>rm -rf</c> on a directory without waiting for it: for a process that is ending.</summary>
    public static void DeleteInBackground(string path)
    {
        try
        {
            using var remover = Process.Start(new ProcessStartInfo("rm", ["-rf", path]) { UseShellExecute = false });
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // No rm: the directory stays, see below.
        }
    }

    /// <summary>Deletes a directory if it can; one left behind is harmless, the OS clears /tmp.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left behind: see above.
        }
    }
}
