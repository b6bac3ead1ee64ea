using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommerceKit.Redis.Tests;

public sealed class RedisOptionsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_configuration_fails_validation_with_a_clear_message(string? configuration)
    {
        using var services = RedisTestServices.Create(configuration!);

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RedisOptions>>().Value);

        Assert.Contains("Configuration is required", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_retry_count_out_of_range_fails_validation()
    {
        using var services = RedisTestServices.Create("127.0.0.1:6379", o => o.RetryAttempts = 50);

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RedisOptions>>().Value);

        Assert.Contains(nameof(RedisOptions.RetryAttempts), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registering_twice_keeps_one_connection()
    {
        var services = new ServiceCollection();
        services.AddCommerceKit().AddRedis(o => o.Configuration = "127.0.0.1:6379");
        services.AddCommerceKit().AddRedis(o => o.Configuration = "127.0.0.1:6379");

        Assert.Single(services, d => d.ServiceType == typeof(Connection.RedisConnection));
    }
}
