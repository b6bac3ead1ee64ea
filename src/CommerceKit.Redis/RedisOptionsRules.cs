using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CommerceKit.Redis;

/// <summary>The rules that span several <see cref="RedisOptions"/> properties.</summary>
internal sealed class RedisOptionsRules : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        if (options.ConnectionFactory is not null)
        {
            return ValidateOptionsResult.Success;
        }

        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            return ValidateOptionsResult.Fail(
                $"{nameof(RedisOptions)}.{nameof(RedisOptions.Configuration)} is required (for example \"127.0.0.1:6379\") unless {nameof(RedisOptions.ConnectionFactory)} is set.");
        }

        try
        {
            return ConfigurationOptions.Parse(options.Configuration).EndPoints.Count > 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{nameof(RedisOptions)}.{nameof(RedisOptions.Configuration)} names no endpoint.");
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"{nameof(RedisOptions)}.{nameof(RedisOptions.Configuration)} is not a valid StackExchange.Redis configuration: {ex.Message}");
        }
    }
}
