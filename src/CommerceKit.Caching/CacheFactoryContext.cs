namespace CommerceKit.Caching;

/// <summary>What a factory knows about the entry it makes, and how it may change the entry's options.</summary>
public sealed class CacheFactoryContext
{
    internal CacheFactoryContext(string key, CacheEntryOptions options, bool hasStaleValue, TimeSpan staleAge)
    {
        Key = key;
        Options = options;
        HasStaleValue = hasStaleValue;
        StaleAge = staleAge;
    }

    /// <summary>The key being made.</summary>
    public string Key { get; }

    /// <summary>The options the value will be kept with; set other options, for example a shorter duration for an empty result.</summary>
    public CacheEntryOptions Options { get; set; }

    /// <summary>Whether an expired value of the key is still kept (and would be served if this factory fails and fail-safe allows).</summary>
    public bool HasStaleValue { get; }

    /// <summary>The age of the stale value, when there is one.</summary>
    public TimeSpan StaleAge { get; }
}
