-- The transactional outbox and inbox. __SCHEMA__ stands for the configured schema.
-- seq is the enqueue order (enqueues of one partition key are serialised by an advisory lock until they commit, so
-- within a key it is also the commit order); a key's head is its unpublished message with the lowest seq.
CREATE TABLE IF NOT EXISTS __SCHEMA__.outbox_messages (
    seq              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id               uuid        NOT NULL UNIQUE,
    type             text        NOT NULL,
    payload          bytea       NOT NULL,
    partition_key    text        NOT NULL,
    headers          jsonb       NOT NULL,
    enqueued_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- When the message may be claimed: NotBefore, the end of a claim's lease, or of a retry's delay.
    available_at     timestamptz NOT NULL,
    claimed_by       text,
    attempts         integer     NOT NULL DEFAULT 0,
    last_error       text,
    dead_lettered_at timestamptz,
    published_at     timestamptz
);

-- A claim reads each key's first unpublished message from the key index (in byte order: no collation to sort by), and
-- then the key's next messages; the backlog gauge scans the unpublished ones.
CREATE INDEX IF NOT EXISTS outbox_messages_pending ON __SCHEMA__.outbox_messages (seq) WHERE published_at IS NULL;
CREATE INDEX IF NOT EXISTS outbox_messages_pending_key ON __SCHEMA__.outbox_messages (partition_key COLLATE "C", seq) WHERE published_at IS NULL;
-- Retention deletes the oldest published messages in small batches.
CREATE INDEX IF NOT EXISTS outbox_messages_published ON __SCHEMA__.outbox_messages (published_at) WHERE published_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS __SCHEMA__.inbox_messages (
    consumer    text        NOT NULL,
    message_id  uuid        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);

CREATE INDEX IF NOT EXISTS inbox_messages_recorded ON __SCHEMA__.inbox_messages (recorded_at);
