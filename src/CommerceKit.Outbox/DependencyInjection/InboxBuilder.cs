using Microsoft.Extensions.DependencyInjection;

namespace CommerceKit.Outbox;

/// <summary>
/// Configures the inbox inside <c>AddInbox(inbox =&gt; …)</c>. Records live in this process's memory unless a backend
/// is chosen (<c>UsePostgreSql()</c> or <c>UseStore&lt;TStore&gt;()</c>).
/// </summary>
public sealed class InboxBuilder : FeatureBuilder<InboxBuilder, InboxStore, InboxOptions>
{
    internal InboxBuilder(IServiceCollection services)
        : base(services)
    {
    }
}
