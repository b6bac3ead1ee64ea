using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using CommerceKit.AspNetCore.ProblemDetails;
using CommerceKit.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.AspNetCore.RateLimiting;

/// <summary>
/// An ASP.NET Core rate-limiting policy backed by a CommerceKit distributed limiter (<see cref="IRateLimiterProvider"/>),
/// one partition per key <see cref="PartitionKey"/> picks. Every response of a limited endpoint carries the
/// <c>RateLimit-Policy</c> and <c>RateLimit</c> headers; a rejection answers 429 with <c>Retry-After</c> and an RFC 9457
/// problem (<c>rate_limited</c>), or 503 <c>backend_unavailable</c> when a fail-closed policy cannot reach its backend.
/// </summary>
public sealed class CommerceKitRateLimiterPolicy : IRateLimiterPolicy<string>
{
    private readonly Func<string, RateLimiter> _createLimiter;
    private IRateLimiterProvider? _provider;

    /// <summary>Creates the policy.</summary>
    /// <param name="name">The policy name: the <c>RateLimit</c> headers' name and the first part of every key.</param>
    /// <param name="policy">What each partition enforces.</param>
    /// <param name="partitionKey">The partition of a request, for example the customer id. Keys that are not valid
    /// CommerceKit keys (too long, control characters) are hashed, so a client cannot turn them into errors.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid key or not a header token.</exception>
    public CommerceKitRateLimiterPolicy(string name, RateLimitPolicy policy, Func<HttpContext, string> partitionKey)
    {
        KeyGuard.ThrowIfInvalid(name);
        if (name.Any(c => c is '"' or '\\' || c > '~'))
        {
            throw new ArgumentException("The policy name goes into a header string: printable ASCII without '\"' or '\\'.", nameof(name));
        }

        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(partitionKey);
        Name = name;
        Policy = policy;
        PartitionKey = partitionKey;

        // One delegate for every request: the middleware calls it once per new partition.
        _createLimiter = key => _provider!.CreateLimiter($"{Name}:{key}", Policy);
    }

    /// <summary>The policy name.</summary>
    public string Name { get; }

    /// <summary>What each partition enforces.</summary>
    public RateLimitPolicy Policy { get; }

    /// <summary>The partition of a request.</summary>
    public Func<HttpContext, string> PartitionKey { get; }

    /// <inheritdoc/>
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

    /// <inheritdoc/>
    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        RateLimitHeaders.Track(httpContext, Name, Policy);
        var partition = PartitionKey(httpContext) ?? "";
        if (!KeyGuard.IsValid(partition))
        {
            partition = "#" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(partition)));
        }

        _provider ??= httpContext.RequestServices.GetRequiredService<IRateLimiterProvider>();
        return RateLimitPartition.Get(partition, _createLimiter);
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var unavailable = context.Lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason) && reason == RateLimitReasons.BackendUnavailable;
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var problem = unavailable
            ? CommerceKitProblems.Problem(StatusCodes.Status503ServiceUnavailable, ProblemCodes.BackendUnavailable, "The rate-limit backend is unavailable; try again later.")
            : CommerceKitProblems.Problem(StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited, "Too many requests; try again after the time in Retry-After.");
        await problem.ExecuteAsync(http).ConfigureAwait(false);
    }
}
