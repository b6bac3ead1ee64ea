using CommerceKit.Outbox;
using CommerceKit.PostgreSql.Outbox;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps the outbox and the inbox in PostgreSQL.</summary>
public static class PostgreSqlOutboxBuilderExtensions
{
    /// <summary>
    /// Keeps the outbox in PostgreSQL (<c>outbox_messages</c>, created on first use) and registers
    /// <see cref="PostgreSqlOutbox"/> for enqueueing inside the application's transactions. Dispatchers are woken by a
    /// NOTIFY delivered on commit and claim with <c>FOR UPDATE SKIP LOCKED</c> and a lease on the database clock.
    /// Requires <c>AddPostgreSql()</c>; start-up fails without it.
    /// </summary>
    /// <param name="outbox">The outbox builder.</param>
    /// <returns>The builder.</returns>
    public static OutboxBuilder UsePostgreSql(this OutboxBuilder outbox)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        outbox.Services.UsePostgreSqlStore<OutboxStore, PostgreSqlOutboxStore>();
        outbox.Services.TryAddSingleton(services => new PostgreSqlOutbox(
            services.GetRequiredService<OutboxStore>() as PostgreSqlOutboxStore
            ?? throw new InvalidOperationException("PostgreSqlOutbox writes to the PostgreSQL outbox store; another store replaced it after UsePostgreSql()."),
            services.GetRequiredService<IOptions<OutboxOptions>>()));
        return outbox;
    }

    /// <summary>
    /// Keeps the inbox in PostgreSQL (<c>inbox_messages</c>, created on first use) and registers
    /// <see cref="PostgreSqlInbox"/> for recording inside the consumer's own transactions. Requires
    /// <c>AddPostgreSql()</c>; start-up fails without it.
    /// </summary>
    /// <param name="inbox">The inbox builder.</param>
    /// <returns>The builder.</returns>
    public static InboxBuilder UsePostgreSql(this InboxBuilder inbox)
    {
        ArgumentNullException.ThrowIfNull(inbox);
        inbox.Services.UsePostgreSqlStore<InboxStore, PostgreSqlInboxStore>();
        inbox.Services.TryAddSingleton(services => new PostgreSqlInbox(
            services.GetRequiredService<InboxStore>() as PostgreSqlInboxStore
            ?? throw new InvalidOperationException("PostgreSqlInbox writes to the PostgreSQL inbox store; another store replaced it after UsePostgreSql().")));
        return inbox;
    }
}
