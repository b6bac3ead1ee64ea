using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.DependencyInjection;

internal sealed class CommerceKitBuilder(IServiceCollection services) : ICommerceKitBuilder
{
    public IServiceCollection Services { get; } = services;
}
