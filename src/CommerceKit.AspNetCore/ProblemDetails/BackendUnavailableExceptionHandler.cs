using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace CommerceKit.AspNetCore.ProblemDetails;

/// <summary>Answers <see cref="BackendUnavailableException"/> with 503 and code <c>backend_unavailable</c>.</summary>
internal sealed partial class BackendUnavailableExceptionHandler(
    IProblemDetailsService problemDetails,
    ILogger<BackendUnavailableExceptionHandler> logger) : IExceptionHandler
{
    // Outages are usually short (a restart, a failover): ask clients to come back soon rather than at once.
    private const string RetryAfterSeconds = "1";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BackendUnavailableException unavailable)
        {
            return false;
        }

        LogUnavailable(logger, unavailable.Backend ?? "unknown", httpContext.Request.Method, httpContext.Request.Path, unavailable);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers[HeaderNames.RetryAfter] = RetryAfterSeconds;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service Unavailable",
                Detail = "A backend the service depends on is unavailable; the request was not carried out. Try again shortly.",
                Extensions = { [ProblemCodes.ExtensionName] = ProblemCodes.BackendUnavailable },
            },
        }).ConfigureAwait(false);
    }

    [LoggerMessage(1, LogLevel.Warning, "Backend {Backend} unavailable while serving {Method} {Path}")]
    private static partial void LogUnavailable(ILogger logger, string backend, string method, string path, Exception exception);
}
