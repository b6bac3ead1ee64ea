using CommerceKit.AspNetCore.ProblemDetails;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CommerceKit's problem-details conventions.</summary>
public static class CommerceKitProblemDetailsServiceCollectionExtensions
{
    /// <summary>
    /// Registers RFC 9457 problem details in which every error carries a <c>code</c> (a status without one gets a
    /// code derived from it, such as <c>not_found</c>), and an exception handler that answers
    /// <see cref="CommerceKit.BackendUnavailableException"/> with 503 <c>backend_unavailable</c> and <c>Retry-After</c>, and
    /// a <see cref="BadHttpRequestException"/> (malformed JSON, a wrong type, a body too large) with its own 4xx status.
    /// Add <c>app.UseExceptionHandler()</c> and <c>app.UseStatusCodePages()</c> to the pipeline.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddCommerceKitProblemDetails(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddProblemDetails(options => options.CustomizeProblemDetails = static context =>
        {
            var problem = context.ProblemDetails;
            if (!problem.Extensions.ContainsKey(ProblemCodes.ExtensionName))
            {
                problem.Extensions[ProblemCodes.ExtensionName] = problem.Status switch
                {
                    StatusCodes.Status400BadRequest => ProblemCodes.InvalidRequest,
                    StatusCodes.Status404NotFound => ProblemCodes.NotFound,
                    StatusCodes.Status500InternalServerError => ProblemCodes.InternalError,
                    StatusCodes.Status503ServiceUnavailable => ProblemCodes.BackendUnavailable,
                    { } status => ProblemCodes.FromStatus(status),
                    null => ProblemCodes.InternalError,
                };
            }
        });
        services.AddExceptionHandler<BackendUnavailableExceptionHandler>();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        return services;
    }
}
