using System.Text;
using StackExchange.Redis;

namespace CommerceKit.Redis.Keys;

/// <summary>
/// The one place Redis key names are made: <c>{prefix}:{feature}:{{entity}}:{part}</c>. The entity sits in a
/// hash tag, so every key of one entity (one SKU, one lock) lands in one Redis Cluster slot and a script
/// may touch them together.
/// </summary>
internal sealed class RedisKeyspace(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>The key of one part of an entity, for example <c>ck:inv:{SKU-1}:stock</c>.</summary>
    public RedisKey For(string feature, string entity, string part) =>
        $"{Prefix}:{feature}:{{{EscapeForHashTag(entity)}}}:{part}";

    /// <summary>
    /// Redis ends a hash tag at the first '}', and treats an empty tag as no tag at all, so an entity holding '}'
    /// would split its keys across slots. Percent-escaping '%' and '}' keeps the mapping one-to-one (two
    /// entities never share a key) and the tag whole.
    /// </summary>
    public static string EscapeForHashTag(string entity)
    {
        if (entity.AsSpan().IndexOfAny('%', '}') < 0)
        {
            return entity;
        }

        var escaped = new StringBuilder(entity.Length + 8);
        foreach (var c in entity)
        {
            _ = c switch
            {
                '%' => escaped.Append("%25"),
                '}' => escaped.Append("%7D"),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }
}
