using System.Collections.Concurrent;

namespace CommerceKit.ProviderSimulator;

/// <summary>One charge as the gateway recorded it.</summary>
public sealed record Charge(string ChargeId, string? OrderId, string? IdempotencyKey, long AmountCents, string Currency, string Status, bool Refunded);

/// <summary>One message a provider accepted.</summary>
public sealed record Message(string MessageId, string Provider, string Channel, string To, string? Subject, string? Body, string? DedupId, DateTimeOffset AcceptedAt);

/// <summary>Faults injected into one target (<c>payments</c> or a provider's name).</summary>
/// <param name="FailureRate">The share of requests answered 500, from 0 to 1.</param>
/// <param name="LatencyMs">Added to every request.</param>
/// <param name="Outage">Every request answered 503.</param>
public sealed record Faults(double FailureRate = 0, int LatencyMs = 0, bool Outage = false)
{
    public static readonly Faults None = new();
}

/// <summary>
/// What the simulated gateway charged and the simulated providers accepted: tests read it to count charges and
/// messages from outside the shop. A retried request with a known idempotency key (or dedup id) is answered from here.
/// </summary>
public sealed class SimulatorLedger(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Faults> _faults = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly List<Charge> _charges = [];
    private readonly Dictionary<string, (int Status, object Body)> _chargeAnswers = new(StringComparer.Ordinal);
    private readonly List<Message> _messages = [];
    private readonly Dictionary<(string Provider, string DedupId), Message> _messagesByDedupId = [];

    public Faults FaultsOf(string target) => _faults.GetValueOrDefault(target, Faults.None);

    public void SetFaults(string target, Faults faults) => _faults[target] = faults;

    public IReadOnlyList<Charge> Charges(string? orderId)
    {
        lock (_gate)
        {
            return [.. _charges.Where(charge => orderId is null || charge.OrderId == orderId)];
        }
    }

    public IReadOnlyList<Message> Messages(string? to)
    {
        lock (_gate)
        {
            return [.. _messages.Where(message => to is null || message.To == to)];
        }
    }

    /// <summary>Charges once per idempotency key: a known key gets the first answer back.</summary>
    public (int Status, object Body) Charge(string? idempotencyKey, string? orderId, long amountCents, string currency, string token)
    {
        lock (_gate)
        {
            if (idempotencyKey is not null && _chargeAnswers.TryGetValue(idempotencyKey, out var known))
            {
                return known;
            }

            var chargeId = "ch_" + Guid.NewGuid().ToString("N")[..16];
            var (status, answer) = token switch
            {
                "tok_ok" => ("succeeded", (200, (object)new { chargeId, status = "succeeded" })),
                "tok_decline" => ("declined", (402, (object)new { code = "card_declined" })),
                _ => ("failed", (400, (object)new { code = "invalid_request" })),
            };
            _charges.Add(new Charge(chargeId, orderId, idempotencyKey, amountCents, currency, status, Refunded: false));
            if (idempotencyKey is not null)
            {
                _chargeAnswers[idempotencyKey] = answer;
            }

            return answer;
        }
    }

    /// <summary>Refunds a succeeded charge (again: no change); <see langword="false"/> when unknown.</summary>
    public bool Refund(string chargeId)
    {
        lock (_gate)
        {
            var index = _charges.FindIndex(charge => charge.ChargeId == chargeId);
            if (index < 0)
            {
                return false;
            }

            if (_charges[index].Status == "succeeded")
            {
                _charges[index] = _charges[index] with { Refunded = true };
            }

            return true;
        }
    }

    /// <summary>Accepts a message once per provider and dedup id.</summary>
    public Message Accept(string provider, string channel, string to, string? subject, string? body, string? dedupId)
    {
        lock (_gate)
        {
            if (dedupId is not null && _messagesByDedupId.TryGetValue((provider, dedupId), out var known))
            {
                return known;
            }

            var message = new Message("msg_" + Guid.NewGuid().ToString("N")[..16], provider, channel, to, subject, body, dedupId, timeProvider.GetUtcNow());
            _messages.Add(message);
            if (dedupId is not null)
            {
                _messagesByDedupId[(provider, dedupId)] = message;
            }

            return message;
        }
    }
}
