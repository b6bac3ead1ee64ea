using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace CommerceKit.AspNetCore.Idempotency;

/// <summary>The default fingerprint: SHA-256 of the method, path, query string and body, in lower-case hex.</summary>
internal static class RequestFingerprint
{
    public static async ValueTask<string> Sha256Async(HttpContext httpContext, CancellationToken cancellationToken)
    {
        var request = httpContext.Request;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.PathBase}{request.Path}\n{request.QueryString}\n"));

        // RequireIdempotency turned buffering on before the body was bound, so it can be read again here.
        if (!request.Body.CanSeek)
        {
            throw new InvalidOperationException("The request body cannot be read again to fingerprint it. Apply RequireIdempotency to the endpoint (it buffers the body before binding), or set IdempotencyEndpointOptions.Fingerprint.");
        }

        request.Body.Position = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        request.Body.Position = 0;

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
