-- Idem idempotency records, MariaDB / MySQL (InnoDB). Times are epoch milliseconds from the
-- store's clock. ascii_bin: keys, fingerprints and lease tokens compare byte for byte (a
-- case-insensitive collation would let a token match another that differs only in case).
-- To use another table name, replace idem_records throughout (create-on-start does that).
CREATE TABLE IF NOT EXISTS idem_records (
    idem_key     CHAR(64)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    state        VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    fingerprint  CHAR(64)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    token        VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin,
    created_at   BIGINT      NOT NULL,
    expires_at   BIGINT      NOT NULL,
    completed_at BIGINT,
    result       LONGBLOB,
    PRIMARY KEY (idem_key),
    INDEX idem_records_expires_at_idx (expires_at)
) ENGINE = InnoDB;
