using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CommerceKit.Idempotency;

/// <summary>
/// Configures idempotency inside <c>AddIdempotency(idempotency => …)</c>: its options and its backend. Records live in
/// this process's memory unless a backend is chosen (<c>UseRedis()</c>, <c>UsePostgreSql()</c> or
/// <see cref="UseStore{TStore}"/>).
/// </summary>
public sealed class IdempotencyBuilder
{
    internal IdempotencyBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection, for backend packages that extend this builder.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Configures <see cref="IdempotencyOptions"/> (validated when the host starts).</summary>
    /// <param name="configure">Sets the options.</param>
    /// <returns>This builder.</returns>
    public IdempotencyBuilder Configure(Action<IdempotencyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Keeps the records in <typeparamref name="TStore"/>, a backend of your own (resolved from DI).</summary>
    /// <typeparam name="TStore">The store; it must pass the idempotency conformance suite.</typeparam>
    /// <returns>This builder.</returns>
    public IdempotencyBuilder UseStore<TStore>()
        where TStore : IdempotencyStore
    {
        Services.Replace(ServiceDescriptor.Singleton<IdempotencyStore, TStore>());
        return this;
    }
}
