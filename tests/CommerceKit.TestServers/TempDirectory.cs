namespace CommerceKit.TestServers;

/// <summary>Temporary directories of the test servers.</summary>
internal static class TempDirectory
{
    public static string Create(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;

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
