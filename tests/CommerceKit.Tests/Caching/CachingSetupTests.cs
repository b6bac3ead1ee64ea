using CommerceKit.Caching;
using CommerceKit.Caching.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommerceKit.Tests.Caching;

public sealed class CachingSetupTests
{
    private static readonly Dictionary<string, Action<CachingOptions>> InvalidSettings = new()
    {
        ["MaxEntries"] = o => o.MaxEntries = 0,
        ["DefaultEntryOptions"] = o => o.DefaultEntryOptions = new CacheEntryOptions { LocalDuration = TimeSpan.FromSeconds(-1) },
        ["DistributedLoadLease"] = o => o.DistributedLoadLease = TimeSpan.Zero,
        ["DistributedLoadWait"] = o => o.DistributedLoadWait = TimeSpan.FromHours(1),
        ["DistributedOperationTimeout"] = o => o.DistributedOperationTimeout = TimeSpan.Zero,
    };

    [Fact]
    public void AddCaching_registers_one_in_process_cache_with_the_documented_defaults()
    {
        using var services = new ServiceCollection().AddLogging().AddCommerceKit().AddCaching().AddCaching().Services.BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<CachingOptions>>().Value;
        Assert.IsType<CacheAside>(services.GetRequiredService<ICacheAside>());
        Assert.Single(services.GetServices<ICacheAside>());
        Assert.Equal(100_000, options.MaxEntries);
        Assert.Equal(TimeSpan.FromMinutes(1), options.SweepInterval);
        Assert.Equal(
            (TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), (TimeSpan?)null),
            (options.DistributedLoadLease, options.DistributedLoadWait, options.DistributedOperationTimeout, options.DefaultEntryOptions.LocalDuration));
        Assert.Equal(
            (TimeSpan.FromMinutes(5), TimeSpan.Zero, TimeSpan.FromSeconds(30), (TimeSpan?)null, (TimeSpan?)null, 1d),
            (options.DefaultEntryOptions.Duration, options.DefaultEntryOptions.FailSafeMaxDuration, options.DefaultEntryOptions.FailSafeThrottleDuration,
             options.DefaultEntryOptions.SoftTimeout, options.DefaultEntryOptions.HardTimeout, options.DefaultEntryOptions.EarlyRefreshBeta));
    }

    [Theory]
    [InlineData("MaxEntries")]
    [InlineData("DefaultEntryOptions")]
    [InlineData("DistributedLoadLease")]
    [InlineData("DistributedLoadWait")]
    [InlineData("DistributedOperationTimeout")]
    public void Invalid_options_fail_at_start_up_naming_the_option(string option)
    {
        using var services = new ServiceCollection().AddCommerceKit().AddCaching(caching => caching.Configure(InvalidSettings[option])).Services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CachingOptions>>().Value);
        Assert.Contains(option, failure.Message, StringComparison.Ordinal);
    }
}
