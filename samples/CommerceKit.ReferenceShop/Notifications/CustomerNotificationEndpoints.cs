using CommerceKit.AspNetCore.ProblemDetails;
using CommerceKit.Notifications;
using CommerceKit.ReferenceShop.Orders;

namespace CommerceKit.ReferenceShop.Notifications;

/// <summary><c>GET /customers/{customerId}/notifications</c>: a customer's own notifications, and nobody else's.</summary>
internal static class CustomerNotificationEndpoints
{
    public static IEndpointRouteBuilder MapCustomerNotificationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/customers/{customerId}/notifications", async (
            string customerId, HttpContext http, ICustomerNotifications sent, INotificationDispatcher notifications, CancellationToken cancellationToken) =>
        {
            if (http.Request.Headers[OrderEndpoints.CustomerHeader] != customerId)
            {
                return CommerceKitProblems.Problem(404, ProblemCodes.NotFound, "There are no such notifications for you.");
            }

            var list = new List<object>();
            foreach (var (notificationId, channel, template) in await sent.OfAsync(customerId, cancellationToken))
            {
                var status = await notifications.GetAsync(notificationId, cancellationToken);
                list.Add(new
                {
                    notificationId,
                    channel = channel.ToString().ToLowerInvariant(),
                    template,
                    status = (status?.State ?? NotificationState.Pending).ToString().ToLowerInvariant(),
                    provider = status?.SentBy,
                    attempts = status?.Attempts.Count ?? 0,
                    createdAt = status?.AcceptedAt,
                    sentAt = status?.Attempts.LastOrDefault(attempt => attempt.Outcome == ProviderOutcome.Sent)?.At,
                });
            }

            return Results.Ok(list);
        });
        return endpoints;
    }
}
