using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace CommerceKit.Redis.Scripting;

/// <summary>
/// A Lua script run by its SHA1 (<c>EVALSHA</c>): one round trip that sends only the hash. When a server does not
/// know the script (after a restart, a failover or <c>SCRIPT FLUSH</c>) it is sent once with <c>EVAL</c>, which
/// caches it on that server again. Scripts name every key they touch in <c>KEYS</c>, so they route correctly on
/// Redis Cluster.
/// </summary>
internal sealed class RedisScript
{
    public RedisScript(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        Source = source;

        // Redis names a cached script by the SHA1 of its text; this is an identifier, not a security measure.
#pragma warning disable CA5350
        Sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(source));
#pragma warning restore CA5350
    }

    public string Source { get; }

    public byte[] Sha1 { get; }

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        ArgumentNullException.ThrowIfNull(database);
        try
        {
            return await database.ScriptEvaluateAsync(Sha1, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(Source, keys, values).ConfigureAwait(false);
        }
    }
}
