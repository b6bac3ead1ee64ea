using Npgsql;

namespace CommerceKit.ReferenceShop.Distributed;

/// <summary>
/// Runs the shop's own statements so that an outage reads like the libraries' own: a
/// <see cref="BackendUnavailableException"/>, which clients receive as 503 <c>backend_unavailable</c>, never a 500.
/// </summary>
internal static class ShopSql
{
    public static async ValueTask<T> RunAsync<T>(Func<ValueTask<T>> statement)
    {
        try
        {
            return await statement();
        }
        catch (NpgsqlException exception) when (exception is not PostgresException || exception.IsTransient)
        {
            // Refused or timed-out connections, a full pool, a server shutting down: not the request's fault.
            throw new BackendUnavailableException("postgresql", "The shop's database is unavailable.", exception);
        }
    }
}
