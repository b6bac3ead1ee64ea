using Microsoft.AspNetCore.WebUtilities;

namespace CommerceKit.AspNetCore.ProblemDetails;

/// <summary>
/// The machine-readable <c>code</c> values CommerceKit puts in its problem details. Every code is lower-case words
/// joined by underscores, naming what went wrong (<c>not_found</c>, <c>rate_limited</c>, <c>idempotency_key_in_use</c>);
/// a status with no code of its own gets its reason phrase in that form (<c>method_not_allowed</c>).
/// </summary>
public static class ProblemCodes
{
    /// <summary>The name of the problem-details extension member that carries the code.</summary>
    public const string ExtensionName = "code";

    /// <summary>The caller exceeded a rate limit; <c>Retry-After</c> says when to try again (429).</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>A backend (Redis, PostgreSQL) is unavailable; the request was not carried out (503).</summary>
    public const string BackendUnavailable = "backend_unavailable";

    /// <summary>The request is malformed or fails validation (400).</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>The resource does not exist, or is not the caller's to see (404).</summary>
    public const string NotFound = "not_found";

    /// <summary>The endpoint requires an <c>Idempotency-Key</c> header and the request has none (400).</summary>
    public const string IdempotencyKeyMissing = "idempotency_key_missing";

    /// <summary>The idempotency key was already used for a different request (422).</summary>
    public const string IdempotencyKeyReused = "idempotency_key_reused";

    /// <summary>A request with the same idempotency key is still being processed; <c>Retry-After</c> says when to try again (409).</summary>
    public const string IdempotencyKeyInUse = "idempotency_key_in_use";

    /// <summary>An unexpected server error (500).</summary>
    public const string InternalError = "internal_error";

    /// <summary>The code of a status that has none of its own: its reason phrase in lower case, words joined by underscores.</summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <returns>For example <c>method_not_allowed</c> for 405, <c>unsupported_media_type</c> for 415.</returns>
    public static string FromStatus(int statusCode)
    {
        var phrase = ReasonPhrases.GetReasonPhrase(statusCode);
        if (phrase.Length == 0)
        {
            return statusCode >= 500 ? InternalError : InvalidRequest;
        }

        var words = phrase.Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries);
        return string.Join('_', words).ToLowerInvariant();
    }
}
