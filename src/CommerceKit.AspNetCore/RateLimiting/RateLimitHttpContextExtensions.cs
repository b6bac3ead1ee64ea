using System.Threading.RateLimiting;
using CommerceKit.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace CommerceKit.AspNetCore.RateLimiting;

/// <summary>Reports limits an endpoint applies itself in the response's rate-limit headers.</summary>
public static class RateLimitHttpContextExtensions
{
    /// <summary>
    /// Adds the decision <paramref name="lease"/> of a limit the endpoint applied itself (for example one that counts
    /// only new orders, after idempotency answered replays) to the <c>RateLimit-Policy</c> and <c>RateLimit</c> headers,
    /// beside those of the CommerceKit policies the request passed. The first decision per policy name counts.
    /// </summary>
    /// <param name="httpContext">The request.</param>
    /// <param name="policyName">The policy's name in the headers: printable ASCII without <c>"</c> or <c>\</c>.</param>
    /// <param name="policy">What the limit enforces.</param>
    /// <param name="lease">The limiter's decision.</param>
    /// <exception cref="ArgumentException"><paramref name="policyName"/> is empty or cannot go into a header string.</exception>
    public static void AddRateLimitHeaders(this HttpContext httpContext, string policyName, RateLimitPolicy policy, RateLimitLease lease)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentException.ThrowIfNullOrWhiteSpace(policyName);
        if (policyName.Any(c => c is '"' or '\\' || c is < ' ' or > '~'))
        {
            throw new ArgumentException("The policy name goes into a header string: printable ASCII without '\"' or '\\'.", nameof(policyName));
        }

        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(lease);
        RateLimitHeaders.Add(httpContext, policyName, policy, lease);
    }
}
