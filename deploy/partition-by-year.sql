-- Rectify 审计整改管理系统 — partitioning the append-only tables by year (PostgreSQL 13 and later).
--
-- The finding events (findings_findingevent, by "at") and the history tables of django-simple-history
-- (*_historical*, by "history_date") only grow: one row per action and per change. Partitioned by year,
-- a year's rows sit in a table of their own, which can be moved to cheaper storage, dumped apart, or
-- detached once archived, and queries bounded in time read only the years they name.
--
-- Run as the owner of the tables, with the application stopped (each table is rewritten in one
-- transaction), after `rectify migrate`:
--     psql -v ON_ERROR_STOP=1 -d rectify -f deploy/partition-by-year.sql
--     psql -d rectify -c "SELECT rectify_partition_by_year('findings_findingevent', 'at', 'id')"
--     psql -d rectify -c "SELECT rectify_partition_by_year(c.relname, 'history_date', 'history_id')
--                         FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'history_date'
--                         WHERE c.relkind = 'r' AND c.relname LIKE '%\_historical%'"
-- (the history of many-to-many relations, e.g. accounts_historicaluser_roles, has no history_date and
-- stays as it is: it is small, one row per change of a user's roles).
-- and every December (before the new year's first row):
--     psql -d rectify -c "SELECT rectify_add_year_partitions(extract(year FROM now())::int + 1)"
--
-- What changes for Django (docs/DEPLOYMENT.md): the primary key becomes (id, key), since a unique
-- constraint of a partitioned table must include the partition key; the model keeps "id" as its
-- primary key and Django never notices (ids stay unique: they come from one sequence). The identity
-- column becomes a column with a sequence default (PostgreSQL 15 has no identity on partitioned tables).
-- A later migration that adds a unique constraint without the key, or a foreign key pointing at one of
-- these tables, fails and must be written by hand. Tried on a copy of the demo district, see the document.

CREATE OR REPLACE FUNCTION rectify_partition_by_year(tbl text, key text, pk text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    old text := tbl || '_unpartitioned';
    seq text := tbl || '_' || pk || '_seq';
    first_year int;
    last_year int;
    y int;
    rec record;
    indexes text[] := '{}';
    foreign_keys text[] := '{}';
    statement text;
    moved bigint;
BEGIN
    IF (SELECT relkind FROM pg_class WHERE oid = tbl::regclass) = 'p' THEN
        RETURN tbl || ': already partitioned';
    END IF;
    -- What to rebuild on the new table, under the same names, once the rows are in.
    FOR rec IN SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
               WHERE i.indrelid = tbl::regclass AND NOT i.indisprimary LOOP
        indexes := indexes || rec.def;
    END LOOP;
    FOR rec IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
               WHERE conrelid = tbl::regclass AND contype = 'f' LOOP
        foreign_keys := foreign_keys || format('ALTER TABLE %I ADD CONSTRAINT %I %s', tbl, rec.conname, rec.def);
    END LOOP;
    EXECUTE format('SELECT extract(year FROM min(%1$I) AT TIME ZONE ''Asia/Shanghai'')::int,
                           extract(year FROM max(%1$I) AT TIME ZONE ''Asia/Shanghai'')::int FROM %2$I', key, tbl)
        INTO first_year, last_year;
    first_year := coalesce(first_year, extract(year FROM now())::int);
    last_year := greatest(coalesce(last_year, first_year), extract(year FROM now())::int + 1);

    EXECUTE format('ALTER TABLE %I RENAME TO %I', tbl, old);
    -- The names the new table takes: the primary key's index and the sequence.
    SELECT conname INTO statement FROM pg_constraint WHERE conrelid = old::regclass AND contype = 'p';
    IF statement IS NOT NULL THEN
        EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', old, statement, old || '_pkey');
    END IF;
    IF (SELECT attidentity FROM pg_attribute WHERE attrelid = old::regclass AND attname = pk) <> '' THEN
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I DROP IDENTITY', old, pk);
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE
                    INCLUDING COMMENTS) PARTITION BY RANGE (%I)', tbl, old, key);
    EXECUTE format('CREATE SEQUENCE %I AS bigint OWNED BY %I.%I', seq, tbl, pk);
    EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET DEFAULT nextval(%L)', tbl, pk, seq);
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (%I, %I)', tbl, tbl || '_pkey', pk, key);
    FOR y IN first_year .. last_year LOOP
        PERFORM rectify_add_year_partitions(y, tbl, key);
    END LOOP;
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', tbl || '_default', tbl);

    EXECUTE format('INSERT INTO %I SELECT * FROM %I', tbl, old);
    GET DIAGNOSTICS moved = ROW_COUNT;
    EXECUTE format('SELECT setval(%L, coalesce((SELECT max(%I) FROM %I), 0) + 1, false)', seq, pk, tbl);
    EXECUTE format('DROP TABLE %I', old);
    FOREACH statement IN ARRAY indexes LOOP
        EXECUTE replace(statement, format(' ON public.%s ', old), format(' ON public.%s ', tbl));
    END LOOP;
    FOREACH statement IN ARRAY foreign_keys LOOP
        EXECUTE statement;
    END LOOP;
    EXECUTE format('ANALYZE %I', tbl);
    RETURN format('%s: %s rows in years %s-%s and a default partition', tbl, moved, first_year, last_year);
END $$;

-- The partitions of one year (Asia/Shanghai) of every partitioned Rectify table, or of one table.
CREATE OR REPLACE FUNCTION rectify_add_year_partitions(yr int, only_table text DEFAULT NULL, only_key text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    rec record;
BEGIN
    FOR rec IN
        SELECT c.relname AS tbl, a.attname AS key
        FROM pg_partitioned_table p
        JOIN pg_class c ON c.oid = p.partrelid
        JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
        WHERE (only_table IS NULL AND (c.relname = 'findings_findingevent' OR c.relname LIKE '%\_historical%'))
           OR c.relname = only_table
    LOOP
        IF to_regclass(rec.tbl || '_y' || yr) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                           rec.tbl || '_y' || yr, rec.tbl,
                           format('%s-01-01 00:00:00+08', yr), format('%s-01-01 00:00:00+08', yr + 1));
        END IF;
    END LOOP;
END $$;
