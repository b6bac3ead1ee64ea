namespace CommerceKit.Caching;

/// <summary>What <see cref="ICacheAside.TryGetAsync{T}"/> found.</summary>
/// <typeparam name="T">The value's type.</typeparam>
public readonly struct CacheResult<T>
{
    /// <summary>A value found in the cache.</summary>
    /// <param name="value">The value.</param>
    /// <param name="isStale">Whether it expired and is only kept for fail-safe.</param>
    /// <param name="age">How long ago it was made.</param>
    public CacheResult(T value, bool isStale, TimeSpan age)
    {
        HasValue = true;
        Value = value;
        IsStale = isStale;
        Age = age;
    }

    /// <summary>Whether a value was found; <see langword="default"/> has none.</summary>
    public bool HasValue { get; }

    /// <summary>The value, when found.</summary>
    public T Value { get; }

    /// <summary>Whether the value expired and is only kept for fail-safe.</summary>
    public bool IsStale { get; }

    /// <summary>How long ago the value was made.</summary>
    public TimeSpan Age { get; }
}
