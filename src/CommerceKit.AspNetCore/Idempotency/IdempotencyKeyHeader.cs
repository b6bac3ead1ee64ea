using System.Text;
using Microsoft.Extensions.Primitives;

namespace CommerceKit.AspNetCore.Idempotency;

/// <summary>Reads the <c>Idempotency-Key</c> header: a bare token, or a structured-field string as the IETF draft writes it.</summary>
internal static class IdempotencyKeyHeader
{
    public enum Outcome
    {
        Found,
        Missing,
        Invalid,
    }

    public static Outcome TryRead(StringValues values, out string key)
    {
        key = "";
        if (values.Count == 0 || (values.Count == 1 && string.IsNullOrWhiteSpace(values[0])))
        {
            return Outcome.Missing;
        }

        if (values.Count > 1)
        {
            return Outcome.Invalid;
        }

        var value = values[0]!.Trim();
        if (value.StartsWith('"'))
        {
            if (value.Length < 2 || !value.EndsWith('"') || Unquote(value.AsSpan(1, value.Length - 2)) is not { } unquoted)
            {
                return Outcome.Invalid;
            }

            value = unquoted;
        }

        key = value;
        return KeyGuard.IsValid(value, CommerceKit.Idempotency.IdempotencyKey.MaxLength) ? Outcome.Found : Outcome.Invalid;
    }

    // RFC 8941 strings escape only '"' and '\'; any other escape, or a bare quote, makes the header invalid.
    private static string? Unquote(ReadOnlySpan<char> quoted)
    {
        if (quoted.IndexOfAny('\\', '"') < 0)
        {
            return quoted.ToString();
        }

        var result = new StringBuilder(quoted.Length);
        for (var i = 0; i < quoted.Length; i++)
        {
            var c = quoted[i];
            if (c == '"')
            {
                return null;
            }

            if (c == '\\')
            {
                if (++i == quoted.Length || quoted[i] is not ('"' or '\\'))
                {
                    return null;
                }

                c = quoted[i];
            }

            result.Append(c);
        }

        return result.ToString();
    }
}
