using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Idempotency;

/// <summary>
/// Configures idempotency inside <c>AddIdempotency(idempotency =&gt; …)</c>. Records live in this process's memory
/// unless a backend is chosen (<c>UseRedis()</c>, <c>UsePostgreSql()</c> or <c>UseStore&lt;TStore&gt;()</c>).
/// </summary>
public sealed class IdempotencyBuilder : FeatureBuilder<IdempotencyBuilder, IdempotencyStore, IdempotencyOptions>
{
    internal IdempotencyBuilder(IServiceCollection services)
        : base(services)
    {
    }
}
