using System.Buffers.Binary;
using System.Text;

namespace CommerceKit.Idempotency;

/// <summary>
/// The outcome of an idempotent operation as it is stored and replayed: a status code, the headers worth replaying
/// and the body. <see cref="ToBytes"/> and <see cref="FromBytes"/> are the storage format every backend keeps.
/// </summary>
public sealed class StoredResponse
{
    // Format 1: [1][status:int32][header count:int32]([name length:int32][name][value length:int32][value])*[body]
    private const byte FormatVersion = 1;

    /// <summary>Creates a stored response.</summary>
    /// <param name="statusCode">The HTTP status code (100 to 599); operations outside HTTP use 200.</param>
    /// <param name="body">The body, as bytes.</param>
    /// <param name="headers">The headers to replay, in order; names are not checked.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is not 100 to 599.</exception>
    public StoredResponse(int statusCode, ReadOnlyMemory<byte> body, IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        StatusCode = statusCode;
        Body = body;
        Headers = headers ?? [];
        foreach (var (name, value) in Headers)
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(headers));
            ArgumentNullException.ThrowIfNull(value, nameof(headers));
        }
    }

    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>The headers to replay, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The body.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Whether the status is a server error (5xx), which by default releases the key instead of being stored.</summary>
    public bool IsServerError => StatusCode >= 500;

    /// <summary>
    /// Whether the response asks the client to try again later: a server error (5xx) or 429 Too Many Requests. Neither
    /// is an outcome of the operation, so <see cref="IdempotencyErrorPolicy.ReleaseServerErrors"/> does not store them.
    /// </summary>
    public bool IsRetryLater => IsServerError || StatusCode == 429;

    /// <summary>Writes the response in CommerceKit's storage format.</summary>
    /// <returns>The bytes a backend stores.</returns>
    public byte[] ToBytes()
    {
        var length = 1 + 4 + 4 + Body.Length;
        foreach (var (name, value) in Headers)
        {
            length += 8 + Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
        }

        var bytes = new byte[length];
        var span = bytes.AsSpan();
        span[0] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], StatusCode);
        BinaryPrimitives.WriteInt32LittleEndian(span[5..], Headers.Count);
        var position = 9;
        foreach (var (name, value) in Headers)
        {
            position += WriteString(span[position..], name);
            position += WriteString(span[position..], value);
        }

        Body.Span.CopyTo(span[position..]);
        return bytes;
    }

    /// <summary>Reads a response written by <see cref="ToBytes"/>.</summary>
    /// <param name="bytes">The stored bytes.</param>
    /// <returns>The response.</returns>
    /// <exception cref="FormatException">The bytes are not a stored response of a known format.</exception>
    public static StoredResponse FromBytes(ReadOnlySpan<byte> bytes)
    {
        try
        {
            if (bytes[0] != FormatVersion)
            {
                throw new FormatException($"Unknown stored-response format {bytes[0]}.");
            }

            var statusCode = BinaryPrimitives.ReadInt32LittleEndian(bytes[1..]);
            var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[5..]);
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            var headers = new KeyValuePair<string, string>[count];
            var position = 9;
            for (var i = 0; i < count; i++)
            {
                var name = ReadString(bytes, ref position);
                var value = ReadString(bytes, ref position);
                headers[i] = new(name, value);
            }

            return new StoredResponse(statusCode, bytes[position..].ToArray(), headers);
        }
        catch (Exception exception) when (exception is IndexOutOfRangeException or ArgumentOutOfRangeException or ArgumentException)
        {
            throw new FormatException("The bytes are not a valid stored response.", exception);
        }
    }

    private static int WriteString(Span<byte> destination, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, destination[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination, written);
        return 4 + written;
    }

    private static string ReadString(ReadOnlySpan<byte> source, ref int position)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(source[position..]);
        var value = Encoding.UTF8.GetString(source.Slice(position + 4, length));
        position += 4 + length;
        return value;
    }
}
