using System.Globalization;
using System.Text;
using System.Threading.RateLimiting;
using CommerceKit.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace CommerceKit.AspNetCore.RateLimiting;

/// <summary>
/// Collects the decisions of the CommerceKit policies of one request and writes the IETF <c>RateLimit-Policy</c> and
/// <c>RateLimit</c> headers when the response starts, on success and rejection alike.
/// </summary>
internal sealed class RateLimitHeaders(HttpResponse response)
{
    private readonly List<(string Name, RateLimitPolicy Policy, RateLimitLease? Lease)> _policies = [];

    /// <summary>
    /// Starts watching the leases of the policy called <paramref name="name"/> on this request. The middleware asks for
    /// the partition right before each acquisition, on the same async flow, so the observer set here sees that
    /// acquisition's lease.
    /// </summary>
    public static void Track(HttpContext httpContext, string name, RateLimitPolicy policy)
    {
        var headers = Of(httpContext);
        var index = headers.IndexOf(name, policy);
        RateLimitLeaseObserver.Current = lease => headers.Record(index, lease);
    }

    /// <summary>Adds a decision an endpoint made itself (see <see cref="RateLimitHttpContextExtensions"/>).</summary>
    public static void Add(HttpContext httpContext, string name, RateLimitPolicy policy, RateLimitLease lease)
    {
        var headers = Of(httpContext);
        headers.Record(headers.IndexOf(name, policy), lease);
    }

    private static RateLimitHeaders Of(HttpContext httpContext)
    {
        var headers = httpContext.Features.Get<RateLimitHeaders>();
        if (headers is null)
        {
            headers = new RateLimitHeaders(httpContext.Response);
            httpContext.Features.Set(headers);
            httpContext.Response.OnStarting(static state => ((RateLimitHeaders)state).WriteAsync(), headers);
        }

        return headers;
    }

    private int IndexOf(string name, RateLimitPolicy policy)
    {
        var index = _policies.FindIndex(entry => entry.Name == name);
        if (index < 0)
        {
            index = _policies.Count;
            _policies.Add((name, policy, null));
        }

        return index;
    }

    private void Record(int index, RateLimitLease lease)
    {
        // The first real decision counts: a later lease on this flow belongs to other code.
        if (_policies[index].Lease is null)
        {
            _policies[index] = _policies[index] with { Lease = lease };
        }
    }

    /// <summary>Writes the headers of every decided policy.</summary>
    private Task WriteAsync()
    {
        var headers = response.Headers;
        var policies = new StringBuilder();
        var limits = new StringBuilder();
        foreach (var (name, policy, lease) in _policies)
        {
            if (lease is null)
            {
                continue;
            }

            Append(policies, $"\"{name}\";q={policy.PermitLimit}");
            if (policy.Window is { } window)
            {
                policies.Append(CultureInfo.InvariantCulture, $";w={Seconds(window)}");
            }

            lease.TryGetMetadata(RateLimitMetadata.Remaining, out var remaining);
            lease.TryGetMetadata(RateLimitMetadata.Reset, out var reset);
            Append(limits, $"\"{name}\";r={Math.Max(0, remaining)};t={Seconds(reset)}");
        }

        if (policies.Length > 0)
        {
            headers["RateLimit-Policy"] = policies.ToString();
            headers["RateLimit"] = limits.ToString();
        }

        return Task.CompletedTask;
    }

    private static void Append(StringBuilder list, string member) => list.Append(list.Length > 0 ? ", " : "").Append(member);

    private static long Seconds(TimeSpan span) => (long)Math.Ceiling(span.TotalSeconds);
}
