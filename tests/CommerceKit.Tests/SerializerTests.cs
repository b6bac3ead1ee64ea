using System.Buffers;
using CommerceKit.Serialization;
using FsCheck.Xunit;

namespace CommerceKit.Tests;

public sealed class SerializerTests
{
    public sealed record Order(string OrderId, long TotalCents, IReadOnlyList<string> Skus);

    [Property(MaxTest = 200)]
    public bool A_value_reads_back_equal_to_what_was_written(string orderId, long totalCents, string[] skus)
    {
        var order = new Order(orderId ?? "", totalCents, skus?.Where(s => s is not null).ToArray() ?? []);
        var buffer = new ArrayBufferWriter<byte>();

        SystemTextJsonCommerceKitSerializer.Default.Serialize(buffer, order);
        var read = SystemTextJsonCommerceKitSerializer.Default.Deserialize<Order>(buffer.WrittenSpan);

        return read is not null && read.OrderId == order.OrderId && read.TotalCents == order.TotalCents && read.Skus.SequenceEqual(order.Skus);
    }

    [Fact]
    public void The_default_writes_camelCase_JSON()
    {
        var buffer = new ArrayBufferWriter<byte>();

        SystemTextJsonCommerceKitSerializer.Default.Serialize(buffer, new Order("o-1", 500, ["A"]));

        Assert.Equal("""{"orderId":"o-1","totalCents":500,"skus":["A"]}""", System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
