using Microsoft.Extensions.Options;

namespace CommerceKit;

[OptionsValidator]
internal sealed partial class CommerceKitOptionsValidator : IValidateOptions<CommerceKitOptions>;
