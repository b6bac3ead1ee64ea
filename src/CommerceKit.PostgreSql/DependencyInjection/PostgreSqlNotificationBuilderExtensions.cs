using CommerceKit.Notifications;
using CommerceKit.PostgreSql.Notifications;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps notifications in PostgreSQL.</summary>
public static class PostgreSqlNotificationBuilderExtensions
{
    /// <summary>
    /// Keeps the notification queue and delivery log in PostgreSQL (<c>notifications</c>, created on first use):
    /// accepted notifications survive restarts, and instances share the queue through claims with a lease on the
    /// database clock. Requires <c>AddPostgreSql()</c>; start-up fails without it.
    /// </summary>
    /// <param name="notifications">The notifications builder.</param>
    /// <returns>The builder.</returns>
    public static NotificationsBuilder UsePostgreSql(this NotificationsBuilder notifications)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        notifications.Services.UsePostgreSqlStore<NotificationStore, PostgreSqlNotificationStore>();
        return notifications;
    }
}
