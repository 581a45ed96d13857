-- Idem idempotency records, PostgreSQL. Times are epoch milliseconds from the store's clock.
-- To use another table name, replace idem_records throughout (create-on-start does that).
CREATE TABLE IF NOT EXISTS idem_records (
    idem_key     CHAR(64)    NOT NULL,
    state        VARCHAR(16) NOT NULL CHECK (state IN ('IN_PROGRESS', 'COMPLETED')),
    fingerprint  CHAR(64)    NOT NULL,
    token        VARCHAR(64),
    created_at   BIGINT      NOT NULL,
    expires_at   BIGINT      NOT NULL,
    completed_at BIGINT,
    result       BYTEA,
    CONSTRAINT idem_records_pk PRIMARY KEY (idem_key)
);
CREATE INDEX IF NOT EXISTS idem_records_expires_at_idx ON idem_records (expires_at);
