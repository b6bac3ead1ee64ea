namespace CommerceKit.Notifications;

/// <summary>
/// A template for the built-in renderer: <c>{{name}}</c> placeholders filled from the request's data. A placeholder
/// without a value is an error when the notification is sent, never a blank in the message.
/// </summary>
/// <param name="Id">The template's id (a valid key).</param>
/// <param name="Body">The body, for every channel without a body of its own.</param>
public sealed record NotificationTemplate(string Id, string Body)
{
    /// <summary>The subject (email).</summary>
    public string? Subject { get; init; }

    /// <summary>Bodies for particular channels (a short SMS text), instead of <see cref="Body"/>.</summary>
    public IReadOnlyDictionary<NotificationChannel, string> ChannelBodies { get; init; } = new Dictionary<NotificationChannel, string>();
}

/// <summary>Renders a template for one channel. Replace the built-in one (<c>{{name}}</c> placeholders) to use another engine.</summary>
public interface INotificationRenderer
{
    /// <summary>Renders <paramref name="templateId"/> for <paramref name="channel"/> with <paramref name="data"/>.</summary>
    /// <param name="templateId">The template.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="data">The variables.</param>
    /// <returns>The subject (or <see langword="null"/>) and body.</returns>
    /// <exception cref="ArgumentException">The template is unknown, or a variable it uses has no value.</exception>
    (string? Subject, string Body) Render(string templateId, NotificationChannel channel, IReadOnlyDictionary<string, string> data);
}
