using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommerceKit.AspNetCore.ProblemDetails;

/// <summary>Builds RFC 9457 problem results that carry a machine-readable <c>code</c>.</summary>
public static class CommerceKitProblems
{
    /// <summary>A problem result with <paramref name="code"/> in its <c>code</c> extension.</summary>
    /// <param name="statusCode">The HTTP status code, 400 to 599.</param>
    /// <param name="code">The machine-readable code, for example <c>product_not_found</c>.</param>
    /// <param name="detail">A human-readable explanation of this occurrence.</param>
    /// <param name="extensions">More extension members, for example the shortfalls of an out-of-stock answer.</param>
    /// <returns>The result, written as <c>application/problem+json</c>.</returns>
    public static ProblemHttpResult Problem(
        int statusCode,
        string code,
        string? detail = null,
        IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentException.ThrowIfNullOrWhiteSpace(code);

        var members = new Dictionary<string, object?>(StringComparer.Ordinal) { [ProblemCodes.ExtensionName] = code };
        if (extensions is not null)
        {
            foreach (var (name, value) in extensions)
            {
                members[name] = value;
            }
        }

        return TypedResults.Problem(detail: detail, statusCode: statusCode, extensions: members);
    }
}
