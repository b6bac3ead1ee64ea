using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace CommerceKit.AspNetCore.ProblemDetails;

/// <summary>
/// Answers <see cref="BadHttpRequestException"/> (malformed JSON, a value of the wrong type, a body too large) with its
/// own 4xx status and a code, instead of a 500: a client's mistake. Minimal APIs throw it in Development (and whenever
/// <c>RouteHandlerOptions.ThrowOnBadRequest</c> is on); Kestrel throws it for oversized bodies.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = badRequest.StatusCode,
                // The code comes from the status (400 invalid_request), as for every problem without one.
                Detail = badRequest.Message,
            },
        }).ConfigureAwait(false);
    }
}
