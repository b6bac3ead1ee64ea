using CommerceKit;
using CommerceKit.Outbox;
using CommerceKit.Redis.Connection;
using CommerceKit.Redis.Outbox;
using CommerceKit.Shared;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Publishes the outbox to Redis Streams and consumes it there.</summary>
public static class RedisOutboxBuilderExtensions
{
    /// <summary>
    /// Publishes every outbox message to its topic's Redis stream (<c>XADD … MAXLEN ~</c>) instead of in-process
    /// handlers, and registers <see cref="RedisStreamsConsumer"/>. Requires <c>AddRedis()</c>; start-up fails without it.
    /// </summary>
    /// <param name="outbox">The outbox builder.</param>
    /// <param name="configure">Maps message types to topics and bounds the streams.</param>
    /// <returns>The builder.</returns>
    public static OutboxBuilder UseRedisStreams(this OutboxBuilder outbox, Action<RedisStreamsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        var options = outbox.Services.AddOptions<RedisStreamsOptions>().ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        outbox.Services.UseBackendStore<IOutboxPublisher, RedisStreamsOutboxPublisher, RedisConnection>("UseRedisStreams", "AddRedis");
        AddConsumer(outbox.Services);
        return outbox;
    }

    /// <summary>
    /// Registers <see cref="RedisStreamsConsumer"/> for an application that consumes outbox topics from Redis Streams
    /// without publishing. Requires <c>AddRedis()</c>.
    /// </summary>
    /// <param name="builder">The CommerceKit builder.</param>
    /// <returns>The builder.</returns>
    public static ICommerceKitBuilder AddRedisStreamsConsumer(this ICommerceKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddConsumer(builder.Services);
        return builder;
    }

    private static void AddConsumer(IServiceCollection services) =>
        services.TryAddSingleton(provider => new RedisStreamsConsumer(
            provider.GetService<RedisConnection>() ?? throw new InvalidOperationException(
                "RedisStreamsConsumer reads Redis, but AddRedis() was never called: add .AddRedis(o => …) to services.AddCommerceKit()."),
            provider.GetService<ILogger<RedisStreamsConsumer>>()));
}
