namespace CommerceKit.Idempotency;

/// <summary>
/// Runs an operation at most once per <see cref="IdempotencyKey"/> across every instance sharing the backend, and
/// answers every other attempt with the first one's result.
/// </summary>
public interface IIdempotencyExecutor
{
    /// <summary>
    /// Runs <paramref name="operation"/> when the key is free and stores its result (serialized by the registered
    /// <c>ICommerceKitSerializer</c>) for <see cref="IdempotencyOptions.Retention"/>; replays the stored result when
    /// the key's first attempt finished with the same <paramref name="fingerprint"/>. An exception from the
    /// operation releases the key and propagates, so a retry runs the operation again.
    /// </summary>
    /// <typeparam name="T">The operation's result type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="fingerprint">What identifies the request, for example a hash of its content; 1 to 512 characters.</param>
    /// <param name="operation">The operation; it receives the claim's context and the cancellation token.</param>
    /// <param name="cancellationToken">Cancels the claim and the operation; once the operation returned, its result is stored regardless.</param>
    /// <returns>The result, from this run or replayed.</returns>
    /// <exception cref="ArgumentException">The key is the default value or the fingerprint is invalid.</exception>
    /// <exception cref="IdempotencyKeyReusedException">The key was first used with another fingerprint.</exception>
    /// <exception cref="IdempotencyKeyInUseException">Another attempt is running and did not finish within <see cref="IdempotencyOptions.InProgressWait"/>.</exception>
    /// <exception cref="IdempotencyLeaseLostException">The operation outlived its lease and another attempt took the key over.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached to claim the key; the operation did not run.</exception>
    Task<IdempotentResult<T>> ExecuteAsync<T>(
        IdempotencyKey key,
        string fingerprint,
        Func<IdempotencyContext, CancellationToken, Task<T>> operation,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="ExecuteAsync{T}"/> for an operation that makes the stored response itself (status, headers,
    /// body), as the ASP.NET Core filter does: a 5xx response releases the key unless
    /// <see cref="IdempotencyOptions.ErrorPolicy"/> stores everything.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="fingerprint">What identifies the request; 1 to 512 characters.</param>
    /// <param name="operation">The operation.</param>
    /// <param name="options">Options for this call; <see langword="null"/> for the registered ones.</param>
    /// <param name="cancellationToken">Cancels the claim and the operation.</param>
    /// <returns>The response, from this run or replayed.</returns>
    /// <exception cref="ArgumentException">An argument or option is invalid.</exception>
    /// <exception cref="IdempotencyKeyReusedException">The key was first used with another fingerprint.</exception>
    /// <exception cref="IdempotencyKeyInUseException">Another attempt is running.</exception>
    /// <exception cref="IdempotencyLeaseLostException">The operation outlived its lease and another attempt took the key over.</exception>
    /// <exception cref="BackendUnavailableException">The backend could not be reached to claim the key; the operation did not run.</exception>
    Task<IdempotentResult<StoredResponse>> ExecuteResponseAsync(
        IdempotencyKey key,
        string fingerprint,
        Func<IdempotencyContext, CancellationToken, Task<StoredResponse>> operation,
        IdempotencyOptions? options = null,
        CancellationToken cancellationToken = default);
}
