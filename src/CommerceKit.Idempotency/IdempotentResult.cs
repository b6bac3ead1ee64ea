namespace CommerceKit.Idempotency;

/// <summary>The answer of an idempotent operation: from this attempt's run, or replayed from the key's first.</summary>
/// <typeparam name="T">The operation's result type.</typeparam>
public sealed class IdempotentResult<T>
{
    internal IdempotentResult(T value, StoredResponse response, bool isReplay)
    {
        Value = value;
        Response = response;
        IsReplay = isReplay;
    }

    /// <summary>The operation's result.</summary>
    public T Value { get; }

    /// <summary>The response as stored (or, when it was not stored, as it would have been).</summary>
    public StoredResponse Response { get; }

    /// <summary>Whether the result was replayed from an earlier attempt rather than produced by this one.</summary>
    public bool IsReplay { get; }
}
