using CommerceKit.Redis.Connection;
using CommerceKit.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes a Redis store a feature's port; every <c>UseRedis()</c> goes through here.</summary>
internal static class RedisStoreRegistration
{
    public static void UseRedisStore<TPort, TStore>(this IServiceCollection services)
        where TPort : class
        where TStore : class, TPort =>
        services.UseBackendStore<TPort, TStore, RedisConnection>("UseRedis", "AddRedis");
}
