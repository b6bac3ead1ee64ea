using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CommerceKit.Docs.Tests;

/// <summary>
/// Compiles one C# snippet of the docs as a reader would paste it into an ASP.NET Core project
/// (<c>Microsoft.NET.Sdk.Web</c>, so with that SDK's implicit usings and nothing else) that references the
/// CommerceKit packages. The application's own types a snippet names (an order, a cart, a payment gateway) come from
/// <c>Snippets/Application.cs</c>, compiled beside it.
/// </summary>
internal static class SnippetCompiler
{
    private static readonly string[] ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Net.Http.Json",
        "System.Threading", "System.Threading.Tasks", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration",
        "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>The compiler's errors for <paramref name="code"/>; empty when it compiles.</summary>
    public static IReadOnlyList<string> Errors(string code)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var snippet = CSharpSyntaxTree.ParseText(code, parse, path: "snippet.cs");
        var globalUsings = CSharpSyntaxTree.ParseText(string.Concat(ImplicitUsings.Select(name => $"global using global::{name};\n")), parse);
        var application = CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Snippets", "Application.cs")), parse);

        // A snippet with statements is a program; one with only declarations is a library.
        var isProgram = snippet.GetRoot().DescendantNodes().OfType<GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [snippet, globalUsings, application],
            References.Value,
            new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        return compilation.GetDiagnostics()
            .Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error)
            .Select(diagnostic => diagnostic.ToString())
            .ToList();
    }

    // The running framework (ASP.NET Core included) and every assembly beside the tests: the CommerceKit packages and
    // their dependencies.
    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var local = Directory.GetFiles(AppContext.BaseDirectory, "*.dll");
        return
        [
            .. framework.Concat(local)
                .Where(path => !Path.GetFileName(path).StartsWith("CommerceKit.Docs.Tests", StringComparison.Ordinal))
                .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
                .Select(group => MetadataReference.CreateFromFile(group.First())),
        ];
    }
}
