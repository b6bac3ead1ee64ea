using CommerceKit.ProviderSimulator;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The simulator's HTTP API (see docs/reference-shop.md), hosted by its own process or inside the shop.</summary>
public static class ProviderSimulatorEndpoints
{
    private sealed record ChargeRequest(string? OrderId, long AmountCents, string? Currency, string? Token);

    private sealed record RefundRequest(string? ChargeId);

    private sealed record MessageRequest(string? Channel, string? To, string? Subject, string? Body, string? DedupId);

    private sealed record FaultRequest(string? Target, double FailureRate, int LatencyMs, bool Outage);

    /// <summary>Registers the ledger.</summary>
    public static IServiceCollection AddProviderSimulator(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SimulatorLedger>();
        return services;
    }

    /// <summary>Maps the simulator's endpoints under <paramref name="endpoints"/>.</summary>
    public static IEndpointRouteBuilder MapProviderSimulator(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/charges", async (ChargeRequest request, HttpRequest http, SimulatorLedger ledger, CancellationToken cancellationToken) =>
        {
            if (await FaultAsync(ledger.FaultsOf("payments"), cancellationToken) is { } fault)
            {
                return fault;
            }

            if (request.AmountCents <= 0 || string.IsNullOrEmpty(request.Token))
            {
                return Results.BadRequest(new { code = "invalid_request" });
            }

            var key = http.Headers["Idempotency-Key"].FirstOrDefault();
            var (status, body) = ledger.Charge(key, request.OrderId, request.AmountCents, request.Currency ?? "EUR", request.Token);
            return Results.Json(body, statusCode: status);
        });

        endpoints.MapPost("/v1/refunds", async (RefundRequest request, SimulatorLedger ledger, CancellationToken cancellationToken) =>
            await FaultAsync(ledger.FaultsOf("payments"), cancellationToken) is { } fault
                ? fault
                : request.ChargeId is not null && ledger.Refund(request.ChargeId)
                    ? Results.Ok(new { chargeId = request.ChargeId, refunded = true })
                    : Results.NotFound(new { code = "charge_not_found" }));

        endpoints.MapGet("/v1/charges", (string? orderId, SimulatorLedger ledger) => Results.Ok(ledger.Charges(orderId)));

        endpoints.MapPost("/v1/messages/{provider}", async (string provider, MessageRequest request, SimulatorLedger ledger, CancellationToken cancellationToken) =>
        {
            if (await FaultAsync(ledger.FaultsOf(provider), cancellationToken) is { } fault)
            {
                return fault;
            }

            if (string.IsNullOrEmpty(request.Channel) || string.IsNullOrEmpty(request.To))
            {
                return Results.BadRequest(new { code = "invalid_request" });
            }

            var message = ledger.Accept(provider, request.Channel, request.To, request.Subject, request.Body, request.DedupId);
            return Results.Json(new { messageId = message.MessageId }, statusCode: StatusCodes.Status202Accepted);
        });

        endpoints.MapGet("/v1/messages", (string? to, SimulatorLedger ledger) => Results.Ok(ledger.Messages(to)));

        endpoints.MapPost("/admin/faults", (FaultRequest request, SimulatorLedger ledger) =>
        {
            if (string.IsNullOrEmpty(request.Target) || request.FailureRate is < 0 or > 1 || request.LatencyMs < 0)
            {
                return Results.BadRequest(new { code = "invalid_request" });
            }

            ledger.SetFaults(request.Target, new Faults(request.FailureRate, request.LatencyMs, request.Outage));
            return Results.Ok(new { target = request.Target, request.FailureRate, request.LatencyMs, request.Outage });
        });

        return endpoints;
    }

    // Latency first, then an outage (503) or a random failure (500): the request did nothing.
    private static async Task<IResult?> FaultAsync(Faults faults, CancellationToken cancellationToken)
    {
        if (faults.LatencyMs > 0)
        {
            await Task.Delay(faults.LatencyMs, cancellationToken);
        }

        if (faults.Outage)
        {
            return Results.Json(new { code = "unavailable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return faults.FailureRate > 0 && Random.Shared.NextDouble() < faults.FailureRate
            ? Results.Json(new { code = "internal_error" }, statusCode: StatusCodes.Status500InternalServerError)
            : null;
    }
}
