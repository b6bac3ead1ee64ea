using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace CommerceKit;

/// <summary>
/// Validates the names and keys callers hand to CommerceKit (lock names, SKUs, idempotency keys,
/// rate-limit partitions) before they reach Redis or SQL.
/// </summary>
/// <remarks>
/// A valid key is 1 to <see cref="MaxLength"/> UTF-16 characters, not only white space, with no control
/// character and no unpaired surrogate. Unpaired surrogates are refused because they cannot be encoded to
/// UTF-8 faithfully: two different strings would become the same stored key.
/// </remarks>
public static class KeyGuard
{
    /// <summary>The longest key accepted unless a feature sets its own limit.</summary>
    public const int MaxLength = 256;

    /// <summary>Whether <paramref name="value"/> is a valid key.</summary>
    /// <param name="value">The key to check.</param>
    /// <param name="maxLength">The longest key accepted.</param>
    /// <returns><see langword="true"/> when the key is valid.</returns>
    public static bool IsValid([NotNullWhen(true)] string? value, int maxLength = MaxLength) =>
        value is not null && Problem(value, maxLength) is null;

    /// <summary>Throws when <paramref name="value"/> is not a valid key; returns it otherwise.</summary>
    /// <param name="value">The key to check.</param>
    /// <param name="paramName">The caller's parameter name, filled in by the compiler.</param>
    /// <param name="maxLength">The longest key accepted.</param>
    /// <returns><paramref name="value"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not a valid key.</exception>
    public static string ThrowIfInvalid(
        [NotNull] string? value,
        [CallerArgumentExpression(nameof(value))] string? paramName = null,
        int maxLength = MaxLength)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (Problem(value, maxLength) is { } problem)
        {
            throw new ArgumentException(problem, paramName);
        }

        return value;
    }

    private static string? Problem(string value, int maxLength)
    {
        if (value.Length == 0 || string.IsNullOrWhiteSpace(value))
        {
            return "The key must not be empty or white space.";
        }

        if (value.Length > maxLength)
        {
            return $"The key must be at most {maxLength} characters long; it is {value.Length}.";
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c))
            {
                return $"The key must not contain control characters (found U+{(int)c:X4} at index {i}).";
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"The key must not contain an unpaired surrogate (found one at index {i}).";
            }
        }

        return null;
    }
}
