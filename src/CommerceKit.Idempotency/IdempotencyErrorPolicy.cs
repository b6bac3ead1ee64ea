namespace CommerceKit.Idempotency;

/// <summary>Which failed outcomes are stored and replayed. An exception always releases the key: it has no response to replay.</summary>
public enum IdempotencyErrorPolicy
{
    /// <summary>
    /// Final outcomes (2xx to 4xx, and every value an operation returns) are stored; a server error (5xx) or a 429 Too
    /// Many Requests releases the key, so the client's retry runs the operation again. The IETF draft's and most APIs' choice.
    /// </summary>
    ReleaseServerErrors,

    /// <summary>Every response is stored, 5xx included (Stripe's choice): a retry never runs the operation twice.</summary>
    StoreEverything,
}
