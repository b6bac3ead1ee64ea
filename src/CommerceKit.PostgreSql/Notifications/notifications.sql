-- The notification dispatcher's queue and delivery log. __SCHEMA__ stands for the configured schema.
-- One row per accepted notification: pending until sent or dead-lettered; a claim leases it on the database clock.
CREATE TABLE IF NOT EXISTS __SCHEMA__.notifications (
    notification_id     text        PRIMARY KEY,
    recipient_id        text        NOT NULL,
    category            text        NOT NULL,
    state               text        NOT NULL,
    due_at              timestamptz NOT NULL,
    -- The message rendered for each usable channel, in order (JSON).
    deliveries          jsonb       NOT NULL,
    -- Every provider call (JSON), appended by each send.
    attempts            jsonb       NOT NULL DEFAULT '[]',
    sent_by             text,
    provider_message_id text,
    lease_expires_at    timestamptz,
    accepted_at         timestamptz NOT NULL DEFAULT now(),
    ended_at            timestamptz
);

-- Claims read each category's pending notifications earliest due first; operators list dead letters.
CREATE INDEX IF NOT EXISTS notifications_pending_due ON __SCHEMA__.notifications (category, due_at) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS notifications_dead_lettered ON __SCHEMA__.notifications (ended_at) WHERE state = 'dead_lettered';

-- Promotional notifications waiting for their digest window to close (seq: acceptance order).
CREATE TABLE IF NOT EXISTS __SCHEMA__.notification_digest_items (
    item_id      text        PRIMARY KEY,
    seq          bigint      GENERATED ALWAYS AS IDENTITY,
    recipient_id text        NOT NULL,
    digest_key   text        NOT NULL,
    window_end   timestamptz NOT NULL,
    deliveries   jsonb       NOT NULL
);

CREATE INDEX IF NOT EXISTS notification_digest_items_window ON __SCHEMA__.notification_digest_items (window_end);
