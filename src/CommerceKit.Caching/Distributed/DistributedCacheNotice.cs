namespace CommerceKit.Caching.Distributed;

/// <summary>A change another instance made, or the end of a load, as the second level announces it.</summary>
public readonly struct DistributedCacheNotice
{
    /// <summary>Creates a notice.</summary>
    /// <param name="kind">What happened.</param>
    /// <param name="name">The key, or the tag for <see cref="DistributedCacheNoticeKind.TagRemoved"/>.</param>
    public DistributedCacheNotice(DistributedCacheNoticeKind kind, string name)
    {
        Kind = kind;
        Name = name;
    }

    /// <summary>What happened.</summary>
    public DistributedCacheNoticeKind Kind { get; }

    /// <summary>The key, or the tag for <see cref="DistributedCacheNoticeKind.TagRemoved"/>.</summary>
    public string Name { get; }
}

/// <summary>The kinds of <see cref="DistributedCacheNotice"/>.</summary>
public enum DistributedCacheNoticeKind
{
    /// <summary>A load of the key ended (its value written, or its lease given back): waiting instances read again.</summary>
    LoadEnded,

    /// <summary>Another instance set or removed the key: drop it from memory.</summary>
    KeyChanged,

    /// <summary>Another instance removed a tag: its values in memory are no longer fresh.</summary>
    TagRemoved,
}
