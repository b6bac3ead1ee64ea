using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using CommerceKit.Serialization;

namespace CommerceKit.Idempotency;

/// <summary>
/// What an idempotent operation knows of its claim: the key (to pass on to the steps it triggers) and the lease
/// token (to complete the record inside the operation's own transaction).
/// </summary>
public sealed class IdempotencyContext
{
    private readonly ICommerceKitSerializer _serializer;

    internal IdempotencyContext(IdempotencyKey key, long leaseToken, TimeSpan retention, ICommerceKitSerializer serializer)
    {
        Key = key;
        LeaseToken = leaseToken;
        Retention = retention;
        _serializer = serializer;
    }

    /// <summary>The claimed key.</summary>
    public IdempotencyKey Key { get; }

    /// <summary>The token of this attempt's claim; only it can complete or release the key.</summary>
    public long LeaseToken { get; }

    /// <summary>How long the response will be replayed.</summary>
    public TimeSpan Retention { get; }

    /// <summary>The response already stored by the operation itself (see <see cref="MarkCompleted"/>), if any.</summary>
    public StoredResponse? CompletedResponse { get; private set; }

    /// <summary>
    /// A key for one step the operation triggers (a stock reservation, a payment gateway's <c>Idempotency-Key</c>, a
    /// notification's dedup key): the same for every attempt with this key, different for every step and scope, so one
    /// client key is honoured end to end. It is 43 URL-safe characters, valid wherever CommerceKit takes a key.
    /// </summary>
    /// <param name="step">The step's name, for example <c>payment</c>.</param>
    /// <returns>The step's key.</returns>
    /// <exception cref="ArgumentException"><paramref name="step"/> is empty.</exception>
    public string DeriveKey(string step)
    {
        ArgumentException.ThrowIfNullOrEmpty(step);

        // Hashed rather than concatenated: the result fits any downstream key rule, whatever the client's key holds.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{Key}\n{step}"));
        return Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The response the executor stores for <paramref name="value"/>: status 200 and the serialized value.</summary>
    /// <typeparam name="T">The operation's result type.</typeparam>
    /// <param name="value">The operation's result.</param>
    /// <returns>The response.</returns>
    public StoredResponse CreateResponse<T>(T value)
    {
        var body = new ArrayBufferWriter<byte>();
        _serializer.Serialize(body, value);
        return new StoredResponse(200, body.WrittenMemory);
    }

    /// <summary>
    /// Records that the operation stored its response itself (for example with the business write, in one database
    /// transaction), so the executor does not store it again. Transactional completion helpers call this.
    /// </summary>
    /// <param name="response">The response that was stored.</param>
    public void MarkCompleted(StoredResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        CompletedResponse = response;
    }
}
