using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommerceKit.PostgreSql.Tests;

public sealed class PostgreSqlOptionsTests
{
    [Fact]
    public void A_missing_connection_string_fails_validation_with_a_clear_message()
    {
        using var services = PostgreSqlTestServices.Create(null!);

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PostgreSqlOptions>>().Value);

        Assert.Contains("ConnectionString is required", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Robert'); DROP TABLE x; --")]
    [InlineData("UpperCase")]
    [InlineData("1starts_with_digit")]
    [InlineData("")]
    public void A_schema_that_is_not_a_plain_identifier_is_refused(string schema)
    {
        using var services = PostgreSqlTestServices.Create("Host=127.0.0.1", o => o.Schema = schema);

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PostgreSqlOptions>>().Value);

        Assert.Contains(nameof(PostgreSqlOptions.Schema), failure.Message, StringComparison.Ordinal);
    }
}
