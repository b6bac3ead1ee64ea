using CommerceKit.PostgreSql.Schema;

namespace CommerceKit.PostgreSql.Sagas;

/// <summary>The saga runner's SQL, rendered for one schema (table in <c>sagas.sql</c>).</summary>
internal sealed class SagaSql(string schema)
{
    public const string Component = "sagas";

    // The columns a saga is read from, in the order PostgreSqlSagaStore.Read expects.
    private const string Columns =
        "saga_id, saga_name, version, status, current_step, failed_step, error, abort_reason, state::text, journal::text, created_at, updated_at, lease_token";

    private const string Running = "status IN ('running', 'compensating')";

    private static readonly string Script = SchemaScripts.Load("Sagas/sagas.sql");

    public string Schema { get; } = SchemaScripts.Render(Script, schema);

    // $1 id, $2 name, $3 version, $4 status, $5 current step, $6 state, $7 journal, $8 lease.
    public string Create { get; } = SchemaScripts.Render(
        $"""
        INSERT INTO __SCHEMA__.sagas (saga_id, saga_name, version, status, current_step, state, journal, lease_token, lease_expires_at)
        VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, 1, now() + $8)
        ON CONFLICT (saga_id) DO NOTHING
        RETURNING {Columns}
        """,
        schema);

    // $1 id, $2 lease, $3 whether a parked saga may be acquired.
    public string Acquire { get; } = SchemaScripts.Render(
        $"""
        UPDATE __SCHEMA__.sagas SET lease_token = lease_token + 1, lease_expires_at = now() + $2
        WHERE saga_id = $1
          AND (({Running} AND lease_expires_at <= now()) OR ($3 AND status IN ('parked', 'compensation_failed')))
        RETURNING {Columns}
        """,
        schema);

    // $1 how many, $2 lease: those expired longest first; rows another recovery is taking are skipped.
    public string ClaimExpired { get; } = SchemaScripts.Render(
        $"""
        UPDATE __SCHEMA__.sagas SET lease_token = lease_token + 1, lease_expires_at = now() + $2
        WHERE saga_id IN (
            SELECT saga_id FROM __SCHEMA__.sagas
            WHERE {Running} AND lease_expires_at <= now()
            ORDER BY lease_expires_at
            LIMIT $1
            FOR UPDATE SKIP LOCKED)
          AND {Running} AND lease_expires_at <= now()
        RETURNING {Columns}
        """,
        schema);

    // $1 id, $2 token, $3 status, $4 current step, $5 failed step, $6 error, $7 state, $8 journal, $9 lease: no row when fenced out.
    public string Save { get; } = SchemaScripts.Render(
        """
        UPDATE __SCHEMA__.sagas
        SET status = $3, current_step = $4, failed_step = $5, error = $6, state = $7::jsonb, journal = $8::jsonb, updated_at = now(),
            lease_expires_at = CASE WHEN $3 IN ('running', 'compensating') THEN now() + $9 END
        WHERE saga_id = $1 AND lease_token = $2
        RETURNING abort_reason
        """,
        schema);

    // $1 ids, $2 tokens, $3 lease: returns the ids no longer held by their token.
    public string Renew { get; } = SchemaScripts.Render(
        $"""
        WITH held AS (SELECT * FROM unnest($1::text[], $2::bigint[]) AS h(saga_id, token)),
        renewed AS (
            UPDATE __SCHEMA__.sagas s SET lease_expires_at = now() + $3
            FROM held
            WHERE s.saga_id = held.saga_id AND s.lease_token = held.token AND s.{Running}
            RETURNING s.saga_id)
        SELECT saga_id FROM held WHERE saga_id NOT IN (SELECT saga_id FROM renewed)
        """,
        schema);

    // $1 id, $2 reason: the first reason stays.
    public string RequestAbort { get; } = SchemaScripts.Render(
        """
        UPDATE __SCHEMA__.sagas SET abort_reason = coalesce(abort_reason, $2)
        WHERE saga_id = $1 AND status NOT IN ('completed', 'compensated')
        """,
        schema);

    public string Get { get; } = SchemaScripts.Render($"SELECT {Columns} FROM __SCHEMA__.sagas WHERE saga_id = $1", schema);

    // $1 status, $2 name, $3 current step, $4 no progress since (each null for any), $5 how many.
    public string Query { get; } = SchemaScripts.Render(
        $"""
        SELECT {Columns} FROM __SCHEMA__.sagas
        WHERE ($1::text IS NULL OR status = $1)
          AND ($2::text IS NULL OR saga_name = $2)
          AND ($3::text IS NULL OR current_step = $3)
          AND ($4::timestamptz IS NULL OR updated_at < $4)
        ORDER BY updated_at, saga_id
        LIMIT $5
        """,
        schema);

    public string CountByStatus { get; } = SchemaScripts.Render("SELECT status, count(*) FROM __SCHEMA__.sagas GROUP BY status", schema);
}
