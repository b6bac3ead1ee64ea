using CommerceKit.AspNetCore.Idempotency;
using CommerceKit.Idempotency;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Makes endpoints idempotent by their <c>Idempotency-Key</c> header.</summary>
public static class IdempotencyEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Runs the endpoints once per scoped <c>Idempotency-Key</c> and replays the first response (status, body, content
    /// type and the headers in <see cref="IdempotencyEndpointOptions.ReplayedHeaders"/>) with
    /// <c>Idempotent-Replayed: true</c>. A missing key answers 400 <c>idempotency_key_missing</c>, a malformed one 400
    /// <c>invalid_request</c>, a key reused with another request 422 <c>idempotency_key_reused</c>, and a key whose
    /// first request is still running 409 <c>idempotency_key_in_use</c> with <c>Retry-After</c>. Requires
    /// <c>AddCommerceKit().AddIdempotency()</c> (or a backend's registration); the request body is buffered so it can be
    /// fingerprinted, and the response is buffered so it can be stored.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The endpoints, for example <c>app.MapPost("/orders", …)</c>.</param>
    /// <param name="configure">Configures the header, scope, fingerprint and replayed headers.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireIdempotency<TBuilder>(this TBuilder builder, Action<IdempotencyEndpointOptions>? configure = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new IdempotencyEndpointOptions();
        configure?.Invoke(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.HeaderName, nameof(configure));

        // The body must be readable again after binding to be fingerprinted: buffer it before the endpoint binds it.
        builder.Add(endpoint =>
        {
            if (endpoint.RequestDelegate is { } inner)
            {
                endpoint.RequestDelegate = httpContext =>
                {
                    httpContext.Request.EnableBuffering();
                    return inner(httpContext);
                };
            }
        });

        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var services = factory.ApplicationServices;
            var executor = services.GetService<IIdempotencyExecutor>()
                ?? throw new InvalidOperationException("RequireIdempotency needs CommerceKit idempotency: call services.AddCommerceKit().AddIdempotency() (or AddRedisIdempotency(), AddPostgreSqlIdempotency()).");
            var filter = new IdempotencyEndpointFilter(executor, services.GetRequiredService<IOptions<IdempotencyOptions>>(), options);
            return invocation => filter.InvokeAsync(invocation, next);
        });
        return builder;
    }
}
