using CommerceKit.Redis.Keys;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CommerceKit.Tests;

public sealed class RedisKeyspaceTests
{
    private static readonly RedisKeyspace s_keys = new("ck");

    [Fact]
    public void A_key_is_prefix_feature_hash_tagged_entity_and_part() =>
        Assert.Equal("ck:inv:{SKU-1}:stock", (string?)s_keys.For("inv", "SKU-1", "stock"));

    [Property(MaxTest = 1000)]
    public Property All_keys_of_one_entity_share_one_cluster_hash_tag() =>
        Prop.ForAll(ValidKeys.Arbitrary, entity =>
        {
            var stock = HashTagOf(s_keys.For("inv", entity, "stock").ToString());
            var deadlines = HashTagOf(s_keys.For("inv", entity, "deadlines").ToString());
            return stock is not null && stock == deadlines;
        });

    [Property(MaxTest = 1000)]
    public Property Two_different_entities_never_share_a_key() =>
        Prop.ForAll(ValidKeys.Arbitrary, ValidKeys.Arbitrary, (first, second) =>
            first == second || s_keys.For("inv", first, "stock") != s_keys.For("inv", second, "stock"));

    [Theory]
    [InlineData("}starts-with-brace")]
    [InlineData("a}b")]
    [InlineData("100%")]
    public void An_entity_with_a_closing_brace_or_percent_keeps_a_whole_hash_tag(string entity)
    {
        var key = s_keys.For("inv", entity, "stock").ToString();

        Assert.Equal(RedisKeyspace.EscapeForHashTag(entity), HashTagOf(key));
    }

    /// <summary>Redis Cluster's rule: the text between the first '{' and the next '}', if not empty.</summary>
    private static string? HashTagOf(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        if (open < 0)
        {
            return null;
        }

        var close = key.IndexOf('}', open + 1);
        return close > open + 1 ? key[(open + 1)..close] : null;
    }
}
