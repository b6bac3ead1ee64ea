using CommerceKit.AspNetCore.RateLimiting;
using CommerceKit.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds CommerceKit distributed limiters to ASP.NET Core's rate limiting (<c>AddRateLimiter</c>).</summary>
public static class CommerceKitRateLimiterOptionsExtensions
{
    /// <summary>
    /// Adds the named policy <paramref name="policyName"/>, enforced by the configured CommerceKit backend
    /// (<c>AddRateLimiter()</c>, <c>AddRedisRateLimiter()</c> or <c>AddPostgreSqlRateLimiter()</c>), with the
    /// <c>RateLimit</c> headers and problem answers of <see cref="CommerceKitRateLimiterPolicy"/>.
    /// </summary>
    /// <param name="options">ASP.NET Core's rate-limiter options.</param>
    /// <param name="policyName">The policy name, for <c>RequireRateLimiting</c> and the headers.</param>
    /// <param name="policy">What each partition enforces.</param>
    /// <param name="partitionKey">The partition of a request, for example the customer id.</param>
    /// <returns>The options.</returns>
    public static RateLimiterOptions AddCommerceKitPolicy(
        this RateLimiterOptions options,
        string policyName,
        RateLimitPolicy policy,
        Func<HttpContext, string> partitionKey)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddPolicy(policyName, new CommerceKitRateLimiterPolicy(policyName, policy, partitionKey));
    }
}
