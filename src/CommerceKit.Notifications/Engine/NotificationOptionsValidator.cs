using Microsoft.Extensions.Options;

namespace CommerceKit.Notifications.Engine;

/// <summary>Validates the data annotations of <see cref="NotificationOptions"/> at start-up.</summary>
[OptionsValidator]
internal sealed partial class NotificationOptionsValidator : IValidateOptions<NotificationOptions>;
