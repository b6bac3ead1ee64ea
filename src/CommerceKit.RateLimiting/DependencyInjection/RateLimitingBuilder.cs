using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.RateLimiting;

/// <summary>
/// Configures the rate limiters inside <c>AddRateLimiting(limits =&gt; …)</c>. Counters live in this process's memory
/// unless a backend is chosen (<c>UseRedis()</c>, <c>UsePostgreSql()</c> or <c>UseStore&lt;TStore&gt;()</c>).
/// </summary>
public sealed class RateLimitingBuilder : FeatureBuilder<RateLimitingBuilder, RateLimitStore>
{
    internal RateLimitingBuilder(IServiceCollection services)
        : base(services)
    {
    }
}
