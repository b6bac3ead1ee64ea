using System.Security.Cryptography;
using System.Text;

namespace CommerceKit.Notifications.Scheduling;

/// <summary>
/// Digest windows: consecutive windows of <see cref="NotificationOptions.DigestWindow"/> from the recipient's local
/// midnight, so "the evening digest" is the evening wherever the recipient lives.
/// </summary>
internal static class DigestWindows
{
    /// <summary>The end of the window that contains <paramref name="instant"/> (at a window's end: the next one's).</summary>
    public static DateTimeOffset End(DateTimeOffset instant, TimeSpan window, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone).DateTime;
        var dayStart = local.Date;
        var index = (long)((local - dayStart).Ticks / window.Ticks) + 1;
        var end = dayStart.AddTicks(Math.Min(index * window.Ticks, TimeSpan.TicksPerDay));
        return LocalTimes.ToInstant(end, zone);
    }

    /// <summary>The digest notification's id: the same for one recipient, key and window on every instance.</summary>
    public static string NotificationId(string recipientId, string digestKey, DateTimeOffset windowEnd)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{recipientId}\n{digestKey}\n{windowEnd.UtcTicks}"));
        return "digest-" + Convert.ToHexStringLower(hash)[..32];
    }

    /// <summary>One notification of a window's items: per channel of the first item, their bodies one per line.</summary>
    public static QueuedNotification Compose(DigestWindow window, DateTimeOffset now)
    {
        var id = NotificationId(window.RecipientId, window.DigestKey, window.WindowEnd);
        var first = window.Items[0];
        return new QueuedNotification
        {
            NotificationId = id,
            RecipientId = window.RecipientId,
            Category = NotificationCategory.Promotional,
            DueAt = now,
            Deliveries = [.. first.Deliveries.Select(delivery => delivery with
            {
                NotificationId = id,
                Body = string.Join('\n', window.Items.SelectMany(item => item.Deliveries.Where(other => other.Channel == delivery.Channel).Select(other => other.Body))),
            })],
        };
    }
}
