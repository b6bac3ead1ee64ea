using CommerceKit.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CommerceKit.Tests;

public sealed class AddCommerceKitTests
{
    [Fact]
    public void Registers_the_shared_services_with_their_defaults()
    {
        using var services = new ServiceCollection().AddCommerceKit().Services.BuildServiceProvider();

        Assert.Same(TimeProvider.System, services.GetRequiredService<TimeProvider>());
        Assert.IsType<SystemTextJsonCommerceKitSerializer>(services.GetRequiredService<ICommerceKitSerializer>());
        Assert.Equal("ck", services.GetRequiredService<IOptions<CommerceKitOptions>>().Value.KeyPrefix);
    }

    [Fact]
    public void Keeps_a_TimeProvider_the_application_registered_first()
    {
        var fake = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var collection = new ServiceCollection().AddSingleton<TimeProvider>(fake);

        using var services = collection.AddCommerceKit().Services.BuildServiceProvider();

        Assert.Same(fake, services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void Calling_it_twice_registers_each_service_once()
    {
        var collection = new ServiceCollection();

        collection.AddCommerceKit();
        collection.AddCommerceKit();

        Assert.Single(collection, d => d.ServiceType == typeof(TimeProvider));
        Assert.Single(collection, d => d.ServiceType == typeof(ICommerceKitSerializer));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("{tag}")]
    [InlineData("a-prefix-that-is-far-longer-than-thirty-two-characters")]
    public async Task An_invalid_key_prefix_stops_the_host_from_starting(string prefix)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCommerceKit(o => o.KeyPrefix = prefix);
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(nameof(CommerceKitOptions.KeyPrefix), failure.Message, StringComparison.Ordinal);
    }
}
