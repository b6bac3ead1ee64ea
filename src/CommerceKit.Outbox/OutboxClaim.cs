namespace CommerceKit.Outbox;

/// <summary>What a dispatcher asks the store for in one <see cref="OutboxStore.ClaimAsync"/>.</summary>
/// <param name="DispatcherId">The dispatcher: later calls about the claimed messages name it.</param>
/// <param name="MaxKeys">At most this many partition keys.</param>
/// <param name="MaxMessagesPerKey">At most this many consecutive messages of one key.</param>
/// <param name="Lease">How long the messages are the dispatcher's, on the backend's clock.</param>
public sealed record OutboxClaim(string DispatcherId, int MaxKeys, int MaxMessagesPerKey, TimeSpan Lease);
