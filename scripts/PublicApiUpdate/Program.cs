// Usage: PublicApiUpdate <analyzer dll> <project.csproj> <compile items file> <reference paths file>
// Runs the public API analyzer on a project and records what it reports in PublicAPI.Unshipped.txt: every new public
// symbol (RS0016) is added with the exact line the analyzer's code fix would write, and every line whose symbol is gone
// (RS0017) is removed. scripts/update-public-api.sh gathers the inputs with MSBuild.
using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

var (analyzerPath, projectPath, compileList, referenceList) = (args[0], args[1], args[2], args[3]);
var projectDirectory = Path.GetDirectoryName(Path.GetFullPath(projectPath))!;
var parse = new CSharpParseOptions(LanguageVersion.Preview);
var trees = File.ReadAllLines(compileList).Where(line => line.Length > 0)
    .Select(path => Path.IsPathRooted(path) ? path : Path.Combine(projectDirectory, path))
    .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), parse, path));
var references = File.ReadAllLines(referenceList).Where(line => line.Length > 0).Select(path => MetadataReference.CreateFromFile(path));
var compilation = CSharpCompilation.Create(
    Path.GetFileNameWithoutExtension(projectPath),
    trees,
    references,
    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

var analyzer = (DiagnosticAnalyzer)Activator.CreateInstance(
    Assembly.LoadFrom(analyzerPath).GetType("Microsoft.CodeAnalysis.PublicApiAnalyzers.DeclarePublicApiAnalyzer", throwOnError: true)!)!;
var apiFiles = new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" }.Select(name => Path.Combine(projectDirectory, name)).ToArray();
var additional = apiFiles.Select(path => (AdditionalText)new FileText(path)).ToImmutableArray();
var diagnostics = await compilation
    .WithAnalyzers([analyzer], new AnalyzerOptions(additional))
    .GetAnalyzerDiagnosticsAsync();

var unshipped = apiFiles[1];
var lines = File.ReadAllLines(unshipped).ToList();
foreach (var diagnostic in diagnostics)
{
    if (diagnostic.Id is "RS0016" or "RS0037" && diagnostic.Properties.TryGetValue("APIName", out var added) && added is not null)
    {
        lines.Add(added);
        foreach (var sibling in (diagnostic.Properties.GetValueOrDefault("ApiNamesOfSiblingsToRemove") ?? "").Split(";;", StringSplitOptions.RemoveEmptyEntries))
        {
            lines.Remove(sibling);
        }
    }
    else if (diagnostic.Id == "RS0017" && Regex.Match(diagnostic.GetMessage(), "^Symbol '(.*)' is part of the declared API") is { Success: true } removed)
    {
        lines.Remove(removed.Groups[1].Value);
    }
    else if (diagnostic.Id.StartsWith("RS00", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"{Path.GetFileName(projectPath)}: {diagnostic}");
    }
}

var header = lines.Where(line => line.StartsWith('#')).Distinct().ToList();
var body = lines.Where(line => line.Length > 0 && !line.StartsWith('#')).Distinct()
    .OrderBy(line => Regex.Replace(line, "^(abstract|static|override|virtual|const|sealed|readonly) ", ""), StringComparer.Ordinal);
File.WriteAllLines(unshipped, [.. header.DefaultIfEmpty("#nullable enable"), .. body]);

sealed class FileText(string path) : AdditionalText
{
    public override string Path => path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(path));
}
