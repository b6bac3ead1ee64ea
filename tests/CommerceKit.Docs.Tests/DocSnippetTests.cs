namespace CommerceKit.Docs.Tests;

/// <summary>Every C# snippet in README.md and docs/*.md compiles against the packages as they are built now.</summary>
public sealed class DocSnippetTests
{
    public static TheoryData<string> Places => new(DocSnippets.All().Select(snippet => snippet.Place));

    [Theory]
    [MemberData(nameof(Places))]
    public void The_snippet_compiles(string place)
    {
        var code = DocSnippets.All().Single(snippet => snippet.Place == place).Code;

        var errors = SnippetCompiler.Errors(code);

        Assert.True(errors.Count == 0, $"{place} does not compile:\n{string.Join('\n', errors)}\n---\n{code}");
    }

    [Fact]
    public void The_docs_have_snippets_to_check()
    {
        var places = DocSnippets.All().Select(snippet => snippet.Place).ToList();

        Assert.Contains(places, place => place.StartsWith("README.md", StringComparison.Ordinal));
        Assert.True(places.Count >= 10, $"only {places.Count} snippets found");
    }

    [Fact]
    public void A_snippet_broken_on_purpose_fails_to_compile()
    {
        const string Broken = """
            using CommerceKit.Locking;

            var services = new ServiceCollection();
            services.AddCommerceKit().AddLocks();   // the old name, gone
            """;

        var errors = SnippetCompiler.Errors(Broken);

        Assert.Contains(errors, error => error.Contains("AddLocks", StringComparison.Ordinal));
    }

    [Fact]
    public void A_working_snippet_compiles()
    {
        const string Working = """
            var services = new ServiceCollection();
            services.AddCommerceKit().AddLocking();
            """;

        Assert.Empty(SnippetCompiler.Errors(Working));
    }
}
