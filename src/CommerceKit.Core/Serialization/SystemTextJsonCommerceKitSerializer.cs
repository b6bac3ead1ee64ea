using System.Buffers;
using System.Text.Json;

namespace CommerceKit.Serialization;

/// <summary>The default <see cref="ICommerceKitSerializer"/>: UTF-8 JSON through System.Text.Json.</summary>
public sealed class SystemTextJsonCommerceKitSerializer : ICommerceKitSerializer
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates a serializer.</summary>
    /// <param name="options">The JSON options; the default is <see cref="JsonSerializerOptions.Web"/>.
    /// Pass options with a source-generated <c>TypeInfoResolver</c> for trimmed or AOT applications.</param>
    public SystemTextJsonCommerceKitSerializer(JsonSerializerOptions? options = null)
    {
        _options = options ?? JsonSerializerOptions.Web;
    }

    /// <summary>The serializer with <see cref="JsonSerializerOptions.Web"/>.</summary>
    public static SystemTextJsonCommerceKitSerializer Default { get; } = new();

    /// <inheritdoc />
    public void Serialize<T>(IBufferWriter<byte> destination, T value)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new Utf8JsonWriter(destination);
        JsonSerializer.Serialize(writer, value, _options);
    }

    /// <inheritdoc />
    public T? Deserialize<T>(ReadOnlySpan<byte> source) => JsonSerializer.Deserialize<T>(source, _options);
}
