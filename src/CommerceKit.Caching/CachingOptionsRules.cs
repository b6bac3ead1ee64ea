using Microsoft.Extensions.Options;

namespace CommerceKit.Caching;

/// <summary>Validates at start-up what data annotations cannot: the default entry options.</summary>
internal sealed class CachingOptionsRules : IValidateOptions<CachingOptions>
{
    public ValidateOptionsResult Validate(string? name, CachingOptions options)
    {
        try
        {
            options.DefaultEntryOptions?.Validated(nameof(CachingOptions.DefaultEntryOptions));
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException exception)
        {
            return ValidateOptionsResult.Fail(exception.Message);
        }
    }
}
