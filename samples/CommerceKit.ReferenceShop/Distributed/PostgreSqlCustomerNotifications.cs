using CommerceKit.Notifications;
using CommerceKit.ReferenceShop.Notifications;
using Npgsql;

namespace CommerceKit.ReferenceShop.Distributed;

/// <summary>Customers' notifications in <c>shop.customer_notifications</c>, visible from every instance.</summary>
internal sealed class PostgreSqlCustomerNotifications(NpgsqlDataSource database) : ICustomerNotifications
{
    public async ValueTask AddAsync(string customerId, CustomerNotification notification, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "INSERT INTO shop.customer_notifications (customer_id, notification_id, channel, template) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING");
        foreach (var value in new object[] { customerId, notification.NotificationId, notification.Channel.ToString(), notification.Template })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask<IReadOnlyList<CustomerNotification>> OfAsync(string customerId, CancellationToken cancellationToken) =>
        ShopSql.RunAsync<IReadOnlyList<CustomerNotification>>(async () =>
        {
            await using var command = database.CreateCommand(
                "SELECT notification_id, channel, template FROM shop.customer_notifications WHERE customer_id = $1 ORDER BY created_at, notification_id");
            command.Parameters.Add(new NpgsqlParameter { Value = customerId });
            var notifications = new List<CustomerNotification>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                notifications.Add(new CustomerNotification(reader.GetString(0), Enum.Parse<NotificationChannel>(reader.GetString(1)), reader.GetString(2)));
            }

            return notifications;
        });
}
