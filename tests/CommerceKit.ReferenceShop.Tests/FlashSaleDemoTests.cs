using System.Text.Json;
using CommerceKit.ReferenceShop.Demo;

namespace CommerceKit.ReferenceShop.Tests;

/// <summary>
/// Runs alone: the embedded demo's span counts come from a listener on every span of this process, so a shop of
/// another test running meanwhile would add its sagas to the report's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FlashSaleDemoCollection
{
    public const string Name = "Embedded flash-sale demo";
}

/// <summary><c>demo flash-sale</c> in embedded mode: the sale, its report, and its exit codes.</summary>
[Collection(FlashSaleDemoCollection.Name)]
public sealed class FlashSaleDemoTests
{
    [Fact]
    public async Task An_embedded_flash_sale_of_300_buyers_for_30_units_reports_30_confirmed_30_emails_and_nothing_oversold_or_charged_twice()
    {
        var reportPath = Path.Combine(Path.GetTempPath(), $"flash-sale-{Guid.NewGuid():N}.json");
        try
        {
            var exitCode = await FlashSaleDemo.RunAsync(["flash-sale", "--buyers", "300", "--stock", "30", "--concurrency", "32", "--warmup", "20", "--report", reportPath]);

            Assert.Equal(0, exitCode);
            var report = JsonDocument.Parse(await File.ReadAllTextAsync(reportPath)).RootElement;
            Assert.Equal(30, report.GetProperty("confirmed").GetInt32());
            Assert.Equal(270, report.GetProperty("outOfStock").GetInt32());
            Assert.Equal(30, report.GetProperty("emailsSent").GetInt32());
            Assert.Equal(30, report.GetProperty("pushesSent").GetInt32());
            Assert.Equal((0, 0, 0), (report.GetProperty("oversoldUnits").GetInt32(), report.GetProperty("duplicateCharges").GetInt32(), report.GetProperty("reservedAfterwards").GetInt32()));
            Assert.True(report.GetProperty("p99Milliseconds").GetDouble() >= report.GetProperty("p50Milliseconds").GetDouble());
            Assert.Equal(300, report.GetProperty("spans").GetProperty("commercekit.saga.run").GetProperty("count").GetInt64());
        }
        finally
        {
            File.Delete(reportPath);
        }
    }

    [Theory]
    [InlineData("flash-sale", "--buyers", "0")]
    [InlineData("flash-sale", "--stock", "many")]
    [InlineData("flash-sale", "--unknown")]
    [InlineData("fire-sale")]
    [InlineData("flash-sale", "--instances", "3")] // without Redis and PostgreSQL, instances cannot share anything
    public async Task Bad_arguments_exit_with_2_before_starting_anything(params string[] args)
    {
        Assert.Equal(2, await FlashSaleDemo.RunAsync(args));
    }
}
