namespace CommerceKit.Idempotency;

/// <summary>
/// A client's idempotency key within its scope (a tenant, customer or principal): two scopes using the same key
/// string never see each other's records.
/// </summary>
public readonly record struct IdempotencyKey
{
    /// <summary>The longest key or scope accepted, as the IETF Idempotency-Key draft suggests for keys.</summary>
    public const int MaxLength = 255;

    /// <summary>Creates a key.</summary>
    /// <param name="scope">Whose key it is, for example the customer id; <see cref="string.Empty"/> for one shared scope.</param>
    /// <param name="key">The client's key, for example the <c>Idempotency-Key</c> header.</param>
    /// <exception cref="ArgumentException">A value is empty (the key), over <see cref="MaxLength"/> characters, or holds a control character.</exception>
    public IdempotencyKey(string scope, string key)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.Length > 0)
        {
            KeyGuard.ThrowIfInvalid(scope, maxLength: MaxLength);
        }

        Scope = scope;
        Key = KeyGuard.ThrowIfInvalid(key, maxLength: MaxLength);
    }

    /// <summary>Whose key it is; empty for the shared scope.</summary>
    public string Scope { get => field ?? string.Empty; }

    /// <summary>The client's key; empty only in a <see langword="default"/> value, which every API refuses.</summary>
    public string Key { get => field ?? string.Empty; }

    /// <summary>The scope and key as one string that no other pair maps to: <c>{scope length}:{scope}:{key}</c>.</summary>
    /// <returns>The unambiguous form, for backends that store one string.</returns>
    public override string ToString() => $"{Scope.Length}:{Scope}:{Key}";
}
