using System.Text;

namespace CommerceKit.Notifications.Templates;

/// <summary>The built-in renderer: the templates registered with <c>notifications.AddTemplate(…)</c>, <c>{{name}}</c> placeholders.</summary>
internal sealed class PlaceholderRenderer(IEnumerable<NotificationTemplate> templates) : INotificationRenderer
{
    private readonly Dictionary<string, NotificationTemplate> _templates = templates.GroupBy(template => template.Id).ToDictionary(group => group.Key, group => group.Last());

    public (string? Subject, string Body) Render(string templateId, NotificationChannel channel, IReadOnlyDictionary<string, string> data)
    {
        var template = _templates.GetValueOrDefault(templateId)
            ?? throw new ArgumentException($"Notification template '{templateId}' is not registered: add it with notifications.AddTemplate(…).", "request");
        var body = template.ChannelBodies.GetValueOrDefault(channel) ?? template.Body;
        return (template.Subject is null ? null : Fill(template.Subject, templateId, data), Fill(body, templateId, data));
    }

    private static string Fill(string text, string templateId, IReadOnlyDictionary<string, string> data)
    {
        var result = new StringBuilder(text.Length);
        var position = 0;
        while (text.IndexOf("{{", position, StringComparison.Ordinal) is var start and >= 0
               && text.IndexOf("}}", start + 2, StringComparison.Ordinal) is var end and >= 0)
        {
            var name = text[(start + 2)..end].Trim();
            var value = data.GetValueOrDefault(name)
                ?? throw new ArgumentException($"Notification template '{templateId}' uses {{{{{name}}}}}, which the request's data does not give.", "request");
            result.Append(text, position, start - position).Append(value);
            position = end + 2;
        }

        return result.Append(text, position, text.Length - position).ToString();
    }
}
