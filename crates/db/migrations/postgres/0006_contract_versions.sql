-- Contracts are corrected in the interface (a wrong start date moves a figure): a version
-- column lets a stale edit be refused instead of silently overwriting another.
ALTER TABLE employment_contracts ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
