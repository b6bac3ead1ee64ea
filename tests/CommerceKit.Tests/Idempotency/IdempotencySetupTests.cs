using CommerceKit.Idempotency;
using CommerceKit.Idempotency.InMemory;
using CommerceKit.Redis.Idempotency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommerceKit.Tests.Idempotency;

public sealed class IdempotencySetupTests
{
    [Fact]
    public void AddIdempotency_registers_the_in_memory_store_with_the_documented_defaults()
    {
        using var services = new ServiceCollection().AddCommerceKit().AddIdempotency().Services.BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<IdempotencyOptions>>().Value;
        Assert.IsType<InMemoryIdempotencyStore>(services.GetRequiredService<IdempotencyStore>());
        Assert.NotNull(services.GetRequiredService<IIdempotencyExecutor>());
        Assert.Equal(TimeSpan.FromSeconds(60), options.Lease);
        Assert.Equal(TimeSpan.FromHours(24), options.Retention);
        Assert.Equal(TimeSpan.Zero, options.InProgressWait);
        Assert.Equal(IdempotencyErrorPolicy.ReleaseServerErrors, options.ErrorPolicy);
    }

    [Fact]
    public async Task A_backend_registration_replaces_the_in_memory_store_whatever_the_order()
    {
        var collection = new ServiceCollection();

        collection.AddCommerceKit().AddIdempotency().AddRedis(o => o.Configuration = "127.0.0.1:1").AddIdempotency(idempotency => idempotency.UseRedis()).AddIdempotency();

        var store = Assert.Single(collection, d => d.ServiceType == typeof(IdempotencyStore));
        Assert.NotNull(store.ImplementationFactory);
        await using var services = collection.BuildServiceProvider();
        Assert.IsType<RedisIdempotencyStore>(services.GetRequiredService<IdempotencyStore>());
    }

    [Theory]
    [InlineData("Lease", "00:00:00")]
    [InlineData("Retention", "-00:00:01")]
    [InlineData("InProgressWait", "01:00:00")]
    public void Invalid_options_fail_at_start_up_naming_the_option(string option, string value)
    {
        using var services = new ServiceCollection().AddCommerceKit()
            .AddIdempotency(idempotency => idempotency.Configure(o => typeof(IdempotencyOptions).GetProperty(option)!.SetValue(o, TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture))))
            .Services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<IdempotencyOptions>>().Value);
        Assert.Contains(option, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_per_call_options_are_refused_before_anything_runs()
    {
        using var services = new ServiceCollection().AddCommerceKit().AddIdempotency().Services.BuildServiceProvider();
        var executor = services.GetRequiredService<IIdempotencyExecutor>();

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => executor.ExecuteResponseAsync(
            new IdempotencyKey("s", "k"), "fp", (_, _) => Task.FromResult(new StoredResponse(200, Array.Empty<byte>())), new IdempotencyOptions { Lease = TimeSpan.Zero }));

        Assert.Equal("options", refused.ParamName);
        Assert.Contains("Lease", refused.Message, StringComparison.Ordinal);
    }
}
