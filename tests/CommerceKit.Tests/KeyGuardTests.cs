using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CommerceKit.Tests;

public sealed class KeyGuardTests
{
    [Theory]
    [InlineData("SKU-1")]
    [InlineData("order:2026/11/23#7")]
    [InlineData("ключ-😀")]
    public void A_printable_key_is_accepted_and_returned(string key) =>
        Assert.Same(key, KeyGuard.ThrowIfInvalid(key));

    [Fact]
    public void A_null_key_throws_ArgumentNullException_naming_the_parameter()
    {
        string? lockName = null;

        var failure = Assert.Throws<ArgumentNullException>(() => KeyGuard.ThrowIfInvalid(lockName));

        Assert.Equal("lockName", failure.ParamName);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("a\nb", "control")]
    [InlineData("a\0b", "control")]
    public void An_invalid_key_throws_ArgumentException_naming_the_parameter_and_the_problem(string sku, string problem)
    {
        var failure = Assert.Throws<ArgumentException>(() => KeyGuard.ThrowIfInvalid(sku));

        Assert.Equal("sku", failure.ParamName);
        Assert.Contains(problem, failure.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(new[] { 'a', '\ud800', 'b' })]
    [InlineData(new[] { '\udc00' })]
    [InlineData(new[] { 'a', '\ud800' })]
    public void A_key_with_an_unpaired_surrogate_is_refused_because_UTF8_would_merge_it_with_others(char[] characters)
    {
        var key = new string(characters);

        var failure = Assert.Throws<ArgumentException>(() => KeyGuard.ThrowIfInvalid(key));

        Assert.Equal("key", failure.ParamName);
        Assert.Contains("surrogate", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_longer_than_the_limit_is_refused()
    {
        var key = new string('k', 11);

        var failure = Assert.Throws<ArgumentException>(() => KeyGuard.ThrowIfInvalid(key, maxLength: 10));

        Assert.Contains("at most 10", failure.Message, StringComparison.Ordinal);
        Assert.True(KeyGuard.IsValid(key[..10], maxLength: 10));
    }

    [Property(MaxTest = 500)]
    public bool IsValid_and_ThrowIfInvalid_always_agree(string? key)
    {
        var valid = KeyGuard.IsValid(key);
        try
        {
            KeyGuard.ThrowIfInvalid(key);
            return valid;
        }
        catch (ArgumentException)
        {
            return !valid;
        }
    }

    [Property(MaxTest = 500)]
    public Property Every_valid_key_survives_a_UTF8_round_trip_unchanged() =>
        Prop.ForAll(ValidKeys.Arbitrary, key =>
            System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(key)) == key);
}
