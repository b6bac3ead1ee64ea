using System.Globalization;
using System.Security.Claims;
using CommerceKit.AspNetCore.ProblemDetails;
using CommerceKit.Idempotency;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CommerceKit.AspNetCore.Idempotency;

/// <summary>
/// Runs an endpoint once per scoped <c>Idempotency-Key</c>: the first request's response (status, chosen headers,
/// body) is stored and replayed to every retry with <c>Idempotent-Replayed: true</c>; the IETF draft's 400, 409 and
/// 422 answers are RFC 9457 problems with a <c>code</c>.
/// </summary>
internal sealed class IdempotencyEndpointFilter : IEndpointFilter
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    // A lost lease means another attempt owns the key now: its answer will be ready soon.
    private const string LeaseLostRetryAfterSeconds = "1";

    private readonly IIdempotencyExecutor _executor;
    private readonly IdempotencyEndpointOptions _endpoint;
    private readonly IdempotencyOptions _execution;

    public IdempotencyEndpointFilter(IIdempotencyExecutor executor, IOptions<IdempotencyOptions> applicationOptions, IdempotencyEndpointOptions endpoint)
    {
        _executor = executor;
        _endpoint = endpoint;
        _execution = applicationOptions.Value.Clone();
        endpoint.Execution?.Invoke(_execution);
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var httpContext = context.HttpContext;
        switch (IdempotencyKeyHeader.TryRead(httpContext.Request.Headers[_endpoint.HeaderName], out var clientKey))
        {
            case IdempotencyKeyHeader.Outcome.Missing when !_endpoint.Required:
                return await next(context).ConfigureAwait(false);
            case IdempotencyKeyHeader.Outcome.Missing:
                return CommerceKitProblems.Problem(400, ProblemCodes.IdempotencyKeyMissing, $"This endpoint requires an {_endpoint.HeaderName} header.");
            case IdempotencyKeyHeader.Outcome.Invalid:
                return CommerceKitProblems.Problem(400, ProblemCodes.InvalidRequest, $"The {_endpoint.HeaderName} header must be one key of 1 to {IdempotencyKey.MaxLength} characters without control characters, bare or quoted.");
        }

        var scope = ResolveScope(httpContext);
        if (scope is null || (scope.Length > 0 && !KeyGuard.IsValid(scope, IdempotencyKey.MaxLength)))
        {
            return CommerceKitProblems.Problem(400, ProblemCodes.InvalidRequest, ScopeProblem());
        }

        var fingerprint = await (_endpoint.Fingerprint ?? RequestFingerprint.Sha256Async)(httpContext, httpContext.RequestAborted).ConfigureAwait(false);
        IdempotentResult<StoredResponse> result;
        try
        {
            result = await _executor.ExecuteResponseAsync(
                new IdempotencyKey(scope, clientKey),
                fingerprint,
                (idempotency, _) => RunEndpointAsync(context, next, idempotency),
                _execution,
                httpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (IdempotencyKeyReusedException exception)
        {
            return CommerceKitProblems.Problem(422, ProblemCodes.IdempotencyKeyReused, exception.Message);
        }
        catch (IdempotencyKeyInUseException exception)
        {
            httpContext.Response.Headers.RetryAfter = Seconds(exception.RetryAfter);
            return CommerceKitProblems.Problem(409, ProblemCodes.IdempotencyKeyInUse, exception.Message);
        }
        catch (IdempotencyLeaseLostException exception)
        {
            httpContext.Response.Headers.RetryAfter = LeaseLostRetryAfterSeconds;
            return CommerceKitProblems.Problem(409, ProblemCodes.IdempotencyKeyInUse, exception.Message);
        }

        if (result.IsReplay)
        {
            ApplyStoredHeaders(httpContext.Response, result.Value);
        }

        await httpContext.Response.Body.WriteAsync(result.Value.Body, httpContext.RequestAborted).ConfigureAwait(false);
        return Results.Empty;
    }

    /// <summary>
    /// Runs the endpoint and its result into a buffer (a handler may write the response itself too), and returns what
    /// was written as the response to store.
    /// </summary>
    private async Task<StoredResponse> RunEndpointAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, IdempotencyContext idempotency)
    {
        var httpContext = context.HttpContext;
        httpContext.Features.Set(idempotency);
        var response = httpContext.Response;
        var body = response.Body;
        using var buffer = new MemoryStream();
        response.Body = buffer;
        try
        {
            var outcome = await next(context).ConfigureAwait(false);
            await AsResult(outcome).ExecuteAsync(httpContext).ConfigureAwait(false);
        }
        finally
        {
            response.Body = body;
        }

        return new StoredResponse(response.StatusCode, buffer.ToArray(), ReplayedHeaders(response));
    }

    // What minimal APIs would write for a handler's return value.
    private static IResult AsResult(object? outcome) => outcome switch
    {
        IResult result => result,
        string text => Results.Text(text),
        null => Results.Empty,
        _ => Results.Json(outcome),
    };

    private List<KeyValuePair<string, string>> ReplayedHeaders(HttpResponse response)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (response.ContentType is { } contentType)
        {
            headers.Add(new(HeaderNames.ContentType, contentType));
        }

        foreach (var (name, values) in response.Headers)
        {
            if (_endpoint.ReplayedHeaders.Contains(name) && !name.Equals(HeaderNames.ContentType, StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(new(name, values.ToString()));
            }
        }

        return headers;
    }

    private static void ApplyStoredHeaders(HttpResponse response, StoredResponse stored)
    {
        response.StatusCode = stored.StatusCode;
        foreach (var (name, value) in stored.Headers)
        {
            response.Headers[name] = value;
        }

        response.Headers[ReplayedHeader] = "true";
        response.ContentLength = stored.Body.Length;
    }

    private string? ResolveScope(HttpContext httpContext)
    {
        if (_endpoint.Scope is { } scope)
        {
            return scope(httpContext) is { Length: > 0 } value ? value : null;
        }

        if (_endpoint.ScopeHeader is { } header)
        {
            var values = httpContext.Request.Headers[header];
            return values.Count == 1 && !string.IsNullOrWhiteSpace(values[0]) ? values[0] : null;
        }

        var user = httpContext.User;
        return user.Identity?.IsAuthenticated == true
            ? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.Identity.Name ?? ""
            : "";
    }

    private string ScopeProblem() => _endpoint.ScopeHeader is { } header && _endpoint.Scope is null
        ? $"This endpoint requires one {header} header of 1 to {IdempotencyKey.MaxLength} characters without control characters."
        : "The request's idempotency scope is missing or invalid.";

    private static string Seconds(TimeSpan span) =>
        Math.Max(1, (long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
