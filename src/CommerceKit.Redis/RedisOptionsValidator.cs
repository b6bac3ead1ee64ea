using Microsoft.Extensions.Options;

namespace CommerceKit.Redis;

[OptionsValidator]
internal sealed partial class RedisOptionsValidator : IValidateOptions<RedisOptions>;
