using CommerceKit.Idempotency;
using Microsoft.AspNetCore.Http;

namespace CommerceKit.AspNetCore.Idempotency;

/// <summary>How an endpoint reads, scopes and fingerprints its <c>Idempotency-Key</c>; see <c>RequireIdempotency</c>.</summary>
public sealed class IdempotencyEndpointOptions
{
    /// <summary>The request header that carries the key, bare or as a quoted string.</summary>
    /// <value>The default value is <c>Idempotency-Key</c>.</value>
    public string HeaderName { get; set; } = "Idempotency-Key";

    /// <summary>Whether a request without the key is refused (400 <c>idempotency_key_missing</c>) or runs without protection.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Required { get; set; } = true;

    /// <summary>
    /// A request header naming whose key it is (for example <c>X-Customer-Id</c>); a request without it is refused with
    /// 400 <c>invalid_request</c>. When neither this nor <see cref="Scope"/> is set, the key is scoped by the
    /// authenticated user (its name-identifier claim, else its name), and anonymous requests share one scope.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ScopeHeader { get; set; }

    /// <summary>Computes the scope of a request; wins over <see cref="ScopeHeader"/>. Returning null or empty refuses the request.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<HttpContext, string?>? Scope { get; set; }

    /// <summary>
    /// Computes the request's fingerprint; a retry with the same key and another fingerprint is refused with 422. The
    /// default is the SHA-256 of the method, path, query string and body.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the SHA-256 fingerprint.</value>
    public Func<HttpContext, CancellationToken, ValueTask<string>>? Fingerprint { get; set; }

    /// <summary>The response headers stored with the body and sent again on a replay (the content type always is).</summary>
    public ISet<string> ReplayedHeaders { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Location", "ETag", "Last-Modified", "Content-Language" };

    /// <summary>Overrides <see cref="IdempotencyOptions"/> for this endpoint; it starts as a copy of the application's.</summary>
    /// <value>The default value is <see langword="null"/>: the application's options.</value>
    public Action<IdempotencyOptions>? Execution { get; set; }
}
