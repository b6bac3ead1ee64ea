using System.Text.RegularExpressions;

namespace CommerceKit.Docs.Tests;

/// <summary>The fenced <c>csharp</c> blocks of README.md and docs/*.md, each with where it stands.</summary>
internal static partial class DocSnippets
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static IEnumerable<(string Place, string Code)> All()
    {
        var files = new[] { Path.Combine(RepositoryRoot, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(RepositoryRoot, "docs"), "*.md").Order(StringComparer.Ordinal));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (Match block in Fence().Matches(text))
            {
                var line = text[..block.Index].Count(c => c == '\n') + 1;
                yield return ($"{Path.GetRelativePath(RepositoryRoot, file)}:{line}", Unindent(block.Groups["code"].Value, block.Groups["indent"].Value));
            }
        }
    }

    // A fence may be indented under a list item; its lines carry the same indent.
    [GeneratedRegex(@"^(?<indent>[ ]*)```csharp\n(?<code>.*?)^[ ]*```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    private static string Unindent(string code, string indent) =>
        string.Join('\n', code.Split('\n').Select(line => line.StartsWith(indent, StringComparison.Ordinal) ? line[indent.Length..] : line));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CommerceKit.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("CommerceKit.sln not found above " + AppContext.BaseDirectory);
    }
}
