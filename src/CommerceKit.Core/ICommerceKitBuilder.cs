using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit;

/// <summary>
/// The builder returned by <c>services.AddCommerceKit()</c>: each feature and backend package adds one
/// extension method to it, so a whole configuration reads as one chain.
/// </summary>
public interface ICommerceKitBuilder
{
    /// <summary>The service collection CommerceKit registers into.</summary>
    IServiceCollection Services { get; }
}
