using Microsoft.Extensions.Options;

namespace CommerceKit.Caching;

/// <summary>Validates the data annotations of <see cref="CachingOptions"/> at start-up.</summary>
[OptionsValidator]
internal sealed partial class CachingOptionsValidator : IValidateOptions<CachingOptions>;
