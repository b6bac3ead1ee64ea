namespace CommerceKit.Notifications;

/// <summary>One promotional notification waiting in a digest: sent with the others of its window as one message.</summary>
public sealed record DigestItem
{
    /// <summary>The item's id.</summary>
    public required string ItemId { get; init; }

    /// <summary>The recipient.</summary>
    public required string RecipientId { get; init; }

    /// <summary>The digest key of the request.</summary>
    public required string DigestKey { get; init; }

    /// <summary>When its window closes: the end of a window aligned to the recipient's local midnight.</summary>
    public required DateTimeOffset WindowEnd { get; init; }

    /// <summary>The item rendered for each usable channel, in order.</summary>
    public required IReadOnlyList<RenderedNotification> Deliveries { get; init; }
}

/// <summary>The items of one recipient's digest window, due to be closed into one notification.</summary>
/// <param name="RecipientId">The recipient.</param>
/// <param name="DigestKey">The digest key.</param>
/// <param name="WindowEnd">When the window closed.</param>
/// <param name="Items">Its items, in the order they were accepted.</param>
public sealed record DigestWindow(string RecipientId, string DigestKey, DateTimeOffset WindowEnd, IReadOnlyList<DigestItem> Items);
