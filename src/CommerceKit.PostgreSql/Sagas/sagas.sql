-- The saga runner's state. __SCHEMA__ stands for the configured schema.
-- One row per saga: its status, state and step journal (JSON), and the lease of the instance running it. Every
-- acquisition raises lease_token, and every write of the owner requires its token: a former owner is fenced out.
CREATE TABLE IF NOT EXISTS __SCHEMA__.sagas (
    saga_id          text        PRIMARY KEY,
    saga_name        text        NOT NULL,
    version          integer     NOT NULL,
    status           text        NOT NULL,
    current_step     text,
    failed_step      text,
    error            text,
    abort_reason     text,
    state            jsonb       NOT NULL,
    journal          jsonb       NOT NULL,
    lease_token      bigint      NOT NULL,
    -- Set while the saga runs (running, compensating): when another instance may take it over.
    lease_expires_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Recovery finds running sagas whose lease ran out; operators list sagas by status and least recent progress.
CREATE INDEX IF NOT EXISTS sagas_running_lease ON __SCHEMA__.sagas (lease_expires_at) WHERE status IN ('running', 'compensating');
CREATE INDEX IF NOT EXISTS sagas_status_progress ON __SCHEMA__.sagas (status, updated_at);
