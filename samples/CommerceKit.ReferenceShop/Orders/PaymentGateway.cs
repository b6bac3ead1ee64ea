using System.Net;
using System.Net.Http.Json;

namespace CommerceKit.ReferenceShop.Orders;

/// <summary>What the payment gateway answered a charge.</summary>
internal enum ChargeOutcome
{
    Succeeded,
    Declined,
    Invalid,
}

/// <summary>A charge as the gateway lists it.</summary>
internal sealed record GatewayCharge(string ChargeId, string? OrderId, string Status, bool Refunded)
{
    public bool IsRefundable => Status == "succeeded" && !Refunded;
}

/// <summary>
/// The payment gateway (the provider simulator, in process or at <c>Shop:ProvidersUrl</c>) over HTTP. Retries,
/// timeouts and the circuit breaker come from Microsoft.Extensions.Http.Resilience; every charge carries the saga
/// step's idempotency key, so a retried or resumed charge is answered from the gateway's ledger, never charged twice.
/// </summary>
internal sealed class PaymentGateway(HttpClient http)
{
    private sealed record ChargeAnswer(string? ChargeId, string? Status, string? Code);

    public async Task<(ChargeOutcome Outcome, string? ChargeId)> ChargeAsync(
        string orderId, long amountCents, string currency, string token, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/charges")
        {
            Content = JsonContent.Create(new { orderId, amountCents, currency, token }),
        };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.SendAsync(request, cancellationToken);
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                var answer = await response.Content.ReadFromJsonAsync<ChargeAnswer>(cancellationToken);
                return (ChargeOutcome.Succeeded, answer?.ChargeId);
            case HttpStatusCode.PaymentRequired:
                return (ChargeOutcome.Declined, null);
            case HttpStatusCode.BadRequest:
                return (ChargeOutcome.Invalid, null);
            default:
                // The resilience handler already retried: this charge's outcome is unknown for now.
                throw new HttpRequestException($"The payment gateway answered {(int)response.StatusCode}.", null, response.StatusCode);
        }
    }

    /// <summary>The gateway's charges, of one order or of all (<paramref name="orderId"/> null).</summary>
    public async Task<IReadOnlyList<GatewayCharge>> ListChargesAsync(string? orderId, CancellationToken cancellationToken)
    {
        var path = orderId is null ? "v1/charges" : $"v1/charges?orderId={Uri.EscapeDataString(orderId)}";
        return await http.GetFromJsonAsync<List<GatewayCharge>>(path, cancellationToken) ?? [];
    }

    public async Task RefundAsync(string chargeId, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("v1/refunds", new { chargeId }, cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode();
        }
    }
}
