using System.Buffers;

namespace CommerceKit.Serialization;

/// <summary>
/// Turns the values CommerceKit stores (cached values, stored responses, messages) into bytes and back.
/// The default is <see cref="SystemTextJsonCommerceKitSerializer"/>; register another implementation to replace it.
/// </summary>
public interface ICommerceKitSerializer
{
    /// <summary>Writes <paramref name="value"/> to <paramref name="destination"/>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="destination">Where the bytes go.</param>
    /// <param name="value">The value.</param>
    void Serialize<T>(IBufferWriter<byte> destination, T value);

    /// <summary>Reads a value written by <see cref="Serialize{T}(IBufferWriter{byte}, T)"/>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="source">The bytes.</param>
    /// <returns>The value.</returns>
    T? Deserialize<T>(ReadOnlySpan<byte> source);
}
