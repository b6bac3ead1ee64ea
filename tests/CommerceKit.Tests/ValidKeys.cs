using FsCheck;
using FsCheck.Fluent;

namespace CommerceKit.Tests;

/// <summary>Random valid keys, rich in the characters that matter to key naming: braces, '%', separators, non-ASCII.</summary>
internal static class ValidKeys
{
    private static readonly string[] s_pieces = ["a", "Z", "0", "9", "-", "_", ":", "/", "{", "}", "%", " ", "ä", "ß", "😀", "SKU", "order"];

    public static Arbitrary<string> Arbitrary { get; } = Gen.Elements(s_pieces)
        .ArrayOf()
        .Select(pieces => string.Concat(pieces))
        .Where(key => KeyGuard.IsValid(key))
        .ToArbitrary();
}
