using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CommerceKit.Shared;

/// <summary>
/// Makes a backend's store a feature's port. A backend chosen without its connection (<c>UseRedis()</c> without
/// <c>AddRedis()</c>) fails when the host starts, and on first use where no host validates, with a message that names
/// the missing call rather than an internal type.
/// </summary>
internal static class BackendRegistration
{
    public static void UseBackendStore<TPort, TStore, TConnection>(this IServiceCollection services, string useCall, string connectionCall)
        where TPort : class
        where TStore : class, TPort
        where TConnection : class
    {
        var message = $"A CommerceKit feature calls {useCall}(), but {connectionCall}() was never called: " +
            $"add .{connectionCall}(o => …) to services.AddCommerceKit().";
        // Registered as the port alone: the container then disposes the store once.
        services.Replace(ServiceDescriptor.Singleton<TPort>(provider => provider.GetService<TConnection>() is null
            ? throw new InvalidOperationException(message)
            : ActivatorUtilities.CreateInstance<TStore>(provider)));

        if (!services.Any(descriptor => descriptor.ServiceType == typeof(RequiredConnection<TConnection>)))
        {
            services.AddSingleton<RequiredConnection<TConnection>>();
            services.AddOptions<RequiredConnection<TConnection>>()
                .Validate<IServiceProviderIsService>((_, registered) => registered.IsService(typeof(TConnection)), message)
                .ValidateOnStart();
        }
    }

    /// <summary>Marks that a store needs <typeparamref name="TConnection"/>; its options carry the start-up check.</summary>
    private sealed class RequiredConnection<TConnection>;
}
