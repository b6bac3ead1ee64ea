using System.Reflection;

namespace CommerceKit.PostgreSql.Schema;

/// <summary>
/// The SQL that creates each component's tables. Every script is idempotent (<c>IF NOT EXISTS</c>), ships
/// embedded and as a plain file under <c>sql/</c> in the package, and writes the schema as <c>__SCHEMA__</c>.
/// </summary>
internal static class SchemaScripts
{
    public const string SchemaPlaceholder = "__SCHEMA__";

    /// <summary>The script that creates CommerceKit's schema itself.</summary>
    public static string Core { get; } = Load("Schema/commercekit.sql");

    /// <summary>Loads an embedded script by its path in this project, for example <c>Locking/locking.sql</c>.</summary>
    public static string Load(string path)
    {
        // Resource names keep the folder separator of the machine that built the package.
        var assembly = Assembly.GetExecutingAssembly();
        var expected = "CommerceKit.PostgreSql/" + path;
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.Replace('\\', '/') == expected)
            ?? throw new InvalidOperationException($"The SQL script '{path}' is not embedded in CommerceKit.PostgreSql.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Puts the schema into a script. The schema is an identifier, which SQL cannot take as a parameter; it was
    /// validated by <see cref="PostgreSqlOptions"/> to be a plain lower-case identifier and is quoted here.
    /// </summary>
    public static string Render(string script, string schema) =>
        script.Replace(SchemaPlaceholder, "\"" + schema + "\"", StringComparison.Ordinal);
}
