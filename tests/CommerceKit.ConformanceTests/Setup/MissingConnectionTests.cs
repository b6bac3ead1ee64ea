using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommerceKit.ConformanceTests.Setup;

/// <summary>
/// A backend chosen without its connection (<c>UseRedis()</c> without <c>AddRedis()</c>) fails when the host starts,
/// and on first resolve where no host runs, naming the missing call. Subclassed once per backend package.
/// </summary>
public abstract class MissingConnectionTests
{
    /// <summary>The call the failure must name, for example <c>AddRedis()</c>.</summary>
    protected abstract string ConnectionCall { get; }

    /// <summary>Registers <paramref name="feature"/> on this backend, without the connection.</summary>
    /// <returns>The service type the feature's backend is resolved as.</returns>
    protected abstract Type Register(ICommerceKitBuilder commerceKit, string feature);

    /// <summary>The connection registration, for the test that the check passes with it.</summary>
    protected abstract void AddConnection(ICommerceKitBuilder commerceKit);

    /// <summary>The features this backend serves.</summary>
    public abstract IEnumerable<string> Features { get; }

    [Fact]
    public async Task Every_feature_fails_at_start_up_naming_the_missing_call()
    {
        foreach (var feature in Features)
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            Register(builder.Services.AddCommerceKit(), feature);
            using var host = builder.Build();

            // The options check, or the hosted inventory sweeper resolving its store first: either stops the start.
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

            Assert.Contains(ConnectionCall, failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Without_a_host_every_feature_fails_on_first_resolve_naming_the_missing_call()
    {
        foreach (var feature in Features)
        {
            var collection = new ServiceCollection();
            var port = Register(collection.AddCommerceKit(), feature);
            using var services = collection.BuildServiceProvider();

            var failure = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService(port));

            Assert.Contains(ConnectionCall, failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_the_connection_the_host_starts()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var commerceKit = builder.Services.AddCommerceKit();
        AddConnection(commerceKit);
        var ports = Features.Select(feature => Register(commerceKit, feature)).ToList();
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.All(ports, port => Assert.Contains(builder.Services, descriptor => descriptor.ServiceType == port));
    }
}
