-- Nothing to do on PostgreSQL: `steps.programme_id` is NOT NULL since 0008. The SQLite
-- migration of the same number rebuilds its table to say the same (schema parity).
SELECT 1;
