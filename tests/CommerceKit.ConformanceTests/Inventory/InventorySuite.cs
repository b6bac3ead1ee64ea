using System.Threading.Channels;
using CommerceKit.ConformanceTests.Fixtures;
using CommerceKit.Inventory;

namespace CommerceKit.ConformanceTests.Inventory;

/// <summary>What every inventory suite shares: a fresh backend per test, SKUs and ids no other test uses, and an expiry recorder.</summary>
public abstract class InventorySuite : BackendSuite<InventoryBackend>
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    /// <summary>A SKU unique to this test (PostgreSQL backends share a database across a class's tests).</summary>
    protected string Sku(string name) => $"{name}-{_id}";

    /// <summary>A reservation id unique to this test.</summary>
    protected string Id(string name) => $"{name}-{_id}";

    /// <summary>A one-line reservation request.</summary>
    protected ReservationRequest Request(string id, string sku, int quantity, TimeSpan ttl, string? customer = null, int? limit = null) =>
        new(Id(id), [new ReservationLine(Sku(sku), quantity)], ttl, customer, limit);

    /// <summary>Records every expiry it is told about.</summary>
    protected sealed class ExpiryRecorder : IReservationExpiredHandler
    {
        private readonly Channel<ReservationExpired> _expired = Channel.CreateUnbounded<ReservationExpired>();

        public ChannelReader<ReservationExpired> Expired => _expired.Reader;

        public ValueTask HandleAsync(ReservationExpired expired, CancellationToken cancellationToken) => _expired.Writer.WriteAsync(expired, cancellationToken);
    }
}
