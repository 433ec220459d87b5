-- LensSweep: PostgreSQL tables, functions and stored queries for Orleans 10.4.2's ADO.NET clustering and
-- reminder providers (invariant "Npgsql"). Written for LensSweep against the providers' interface, which is:
--   * they load every row of OrleansQuery at start and refuse to start if a key they need is missing;
--   * each row's text is run with named parameters (@DeploymentId, @Version, ...) bound by the provider;
--   * result columns are read by name ("Address", "Version", ...), so the queries alias our column names.
--
-- Safe to run again: tables are created only when absent, functions and query texts are replaced. Running it
-- on a partly set-up database completes it and keeps the data already there.
-- Apply with infra/postgres/apply-schema.sh (one transaction, so a failure leaves the database as it was).

-- ---------------------------------------------------------------------------------------------------------
-- The query table. The providers run `SELECT QueryKey, QueryText FROM OrleansQuery` unquoted, so PostgreSQL
-- folds the names to lower case: the table and its columns must be spelled in lower case here.
-- ---------------------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS orleansquery (
    querykey  varchar(64) PRIMARY KEY,
    querytext text        NOT NULL
);

-- ---------------------------------------------------------------------------------------------------------
-- Membership. One version row per cluster (the providers call the cluster id "DeploymentId") and one row per
-- silo incarnation (address, port, generation).
--
-- The membership protocol is optimistic: a silo reads the whole table with its version, decides, and writes
-- one row together with "the version I read". The write must succeed only if nobody has written since, and
-- then move the version on, so that every other silo's next write (based on the old version) fails and that
-- silo re-reads. The version row is therefore both the counter and the lock that orders all row writes.
-- I-am-alive heartbeats are the exception: they touch only their own row's timestamp, never the version,
-- because they carry no decision that others must see before writing.
-- ---------------------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS orleans_cluster_version (
    cluster_id varchar(150) PRIMARY KEY,
    version    integer      NOT NULL DEFAULT 0,
    changed_at timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS orleans_silo (
    -- Deleting a cluster's version row (DeleteMembershipTableEntriesKey) takes its silos with it.
    cluster_id      varchar(150) NOT NULL REFERENCES orleans_cluster_version (cluster_id) ON DELETE CASCADE,
    address         varchar(45)  NOT NULL,  -- an IPv4 or IPv6 address as text
    port            integer      NOT NULL,
    generation      integer      NOT NULL,
    silo_name       varchar(150) NOT NULL,
    host_name       varchar(150) NOT NULL,
    status          integer      NOT NULL,  -- Orleans SiloStatus: 3 Active, 6 Dead, ...
    proxy_port      integer      NOT NULL DEFAULT 0,  -- gateway port; 0 when the silo is no gateway
    suspect_times   text,                   -- "silo,time|silo,time": written and parsed by the provider
    start_time      timestamptz  NOT NULL,
    i_am_alive_time timestamptz  NOT NULL,
    PRIMARY KEY (cluster_id, address, port, generation)
);

-- Locks the cluster's version row if, and only if, it still holds the version the caller read. Under READ
-- COMMITTED a row that a concurrent writer changed is re-checked against the WHERE clause after the wait, so a
-- stale version finds nothing instead of overwriting the other writer's decision.
CREATE OR REPLACE FUNCTION orleans_lock_cluster_version(p_cluster_id text, p_version_read integer)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM orleans_cluster_version
     WHERE cluster_id = p_cluster_id AND version = p_version_read
       FOR UPDATE;
    RETURN FOUND;
END
$$;

CREATE OR REPLACE FUNCTION orleans_bump_cluster_version(p_cluster_id text)
RETURNS void LANGUAGE sql AS $$
    UPDATE orleans_cluster_version SET version = version + 1, changed_at = now() WHERE cluster_id = p_cluster_id;
$$;

-- Adds a silo row. False, with nothing changed, when the version moved on since the caller read it or when
-- that silo incarnation is already in the table (a silo must never silently take over an existing row).
CREATE OR REPLACE FUNCTION orleans_insert_silo(
    p_cluster_id text, p_version_read integer,
    p_address text, p_port integer, p_generation integer,
    p_silo_name text, p_host_name text, p_status integer, p_proxy_port integer,
    p_start_time timestamptz, p_i_am_alive_time timestamptz)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF NOT orleans_lock_cluster_version(p_cluster_id, p_version_read) THEN
        RETURN false;
    END IF;
    INSERT INTO orleans_silo (cluster_id, address, port, generation, silo_name, host_name, status, proxy_port,
                              start_time, i_am_alive_time)
    VALUES (p_cluster_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port,
            p_start_time, p_i_am_alive_time)
    ON CONFLICT (cluster_id, address, port, generation) DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;  -- already there; the version is untouched because nothing changed
    END IF;
    PERFORM orleans_bump_cluster_version(p_cluster_id);
    RETURN true;
END
$$;

-- Changes a silo's status, suspicions and liveness. False, with nothing changed, when the version moved on
-- since the caller read it or when the row does not exist.
CREATE OR REPLACE FUNCTION orleans_update_silo(
    p_cluster_id text, p_version_read integer,
    p_address text, p_port integer, p_generation integer,
    p_status integer, p_suspect_times text, p_i_am_alive_time timestamptz)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF NOT orleans_lock_cluster_version(p_cluster_id, p_version_read) THEN
        RETURN false;
    END IF;
    UPDATE orleans_silo
       SET status = p_status, suspect_times = p_suspect_times, i_am_alive_time = p_i_am_alive_time
     WHERE cluster_id = p_cluster_id AND address = p_address AND port = p_port AND generation = p_generation;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM orleans_bump_cluster_version(p_cluster_id);
    RETURN true;
END
$$;

-- ---------------------------------------------------------------------------------------------------------
-- Reminders, per service (ServiceId outlives cluster ids across deployments).
-- Each write gives the row a fresh version, its ETag; a delete names the ETag it read and succeeds only if
-- the row still carries it. Versions come from one cycling sequence rather than counting per row, so a
-- reminder deleted and created again never gets back an ETag that a stale caller may still hold.
-- grain_hash is the grain's uniform hash as the provider binds it (a signed 32-bit integer); the reminder
-- service asks for hash ranges of its share of the ring.
-- ---------------------------------------------------------------------------------------------------------
CREATE SEQUENCE IF NOT EXISTS orleans_reminder_etag AS integer CYCLE;

CREATE TABLE IF NOT EXISTS orleans_reminder (
    service_id    varchar(150) NOT NULL,
    grain_id      text         NOT NULL,
    reminder_name text         NOT NULL,
    grain_hash    integer      NOT NULL,
    start_time    timestamptz  NOT NULL,
    period_ms     bigint       NOT NULL,
    etag          integer      NOT NULL DEFAULT nextval('orleans_reminder_etag'),
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS orleans_reminder_by_hash ON orleans_reminder (service_id, grain_hash);

-- ---------------------------------------------------------------------------------------------------------
-- The stored queries, keyed as the 10.4.2 providers look them up. Dollar quoting keeps the SQL readable.
-- ---------------------------------------------------------------------------------------------------------
INSERT INTO orleansquery (querykey, querytext) VALUES

-- Clustering: runs once per silo start; true when this call created the cluster's version row.
('InsertMembershipVersionKey', $q$
    WITH created AS (
        INSERT INTO orleans_cluster_version (cluster_id) VALUES (@DeploymentId)
        ON CONFLICT (cluster_id) DO NOTHING
        RETURNING 1)
    SELECT count(*) > 0 FROM created
$q$),

-- Clustering: the version row always comes back (left join), so an empty cluster still reports its version;
-- its silo columns are then NULL and the provider reads it as "no silos".
('MembershipReadAllKey', $q$
    SELECT v.version AS "Version",
           s.address AS "Address", s.port AS "Port", s.generation AS "Generation",
           s.silo_name AS "SiloName", s.host_name AS "HostName", s.status AS "Status",
           s.proxy_port AS "ProxyPort", s.suspect_times AS "SuspectTimes",
           s.start_time AS "StartTime", s.i_am_alive_time AS "IAmAliveTime"
      FROM orleans_cluster_version v
      LEFT JOIN orleans_silo s ON s.cluster_id = v.cluster_id
     WHERE v.cluster_id = @DeploymentId
$q$),

-- Clustering: one silo incarnation, with the table version, same shape as MembershipReadAllKey.
('MembershipReadRowKey', $q$
    SELECT v.version AS "Version",
           s.address AS "Address", s.port AS "Port", s.generation AS "Generation",
           s.silo_name AS "SiloName", s.host_name AS "HostName", s.status AS "Status",
           s.proxy_port AS "ProxyPort", s.suspect_times AS "SuspectTimes",
           s.start_time AS "StartTime", s.i_am_alive_time AS "IAmAliveTime"
      FROM orleans_cluster_version v
      LEFT JOIN orleans_silo s
        ON s.cluster_id = v.cluster_id AND s.address = @Address AND s.port = @Port AND s.generation = @Generation
     WHERE v.cluster_id = @DeploymentId
$q$),

-- Clustering: @Version is the table version the caller read; see orleans_insert_silo.
('InsertMembershipKey', $q$
    SELECT orleans_insert_silo(@DeploymentId, @Version, @Address, @Port, @Generation,
                               @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime)
$q$),

('UpdateMembershipKey', $q$
    SELECT orleans_update_silo(@DeploymentId, @Version, @Address, @Port, @Generation,
                               @Status, @SuspectTimes, @IAmAliveTime)
$q$),

('UpdateIAmAlivetimeKey', $q$
    UPDATE orleans_silo SET i_am_alive_time = @IAmAliveTime
     WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$q$),

-- Clustering: clients and silos look up gateways here (@Status is Active); a silo with no gateway has port 0.
('GatewaysQueryKey', $q$
    SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
      FROM orleans_silo
     WHERE cluster_id = @DeploymentId AND status = @Status AND proxy_port > 0
$q$),

-- Clustering: forget a whole cluster (its silos go with the version row).
('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM orleans_cluster_version WHERE cluster_id = @DeploymentId
$q$),

-- Clustering: housekeeping of dead silos (status 6) not heard of since @IAmAliveTime. Removing rows of dead
-- silos changes no live decision, so it does not move the version and cannot make a concurrent write fail.
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM orleans_silo
     WHERE cluster_id = @DeploymentId AND status = 6 AND i_am_alive_time < @IAmAliveTime
$q$),

-- Reminders: insert or replace; returns the row's new ETag.
('UpsertReminderRowKey', $q$
    INSERT INTO orleans_reminder (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms)
    VALUES (@ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period)
    ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
       SET grain_hash = excluded.grain_hash, start_time = excluded.start_time, period_ms = excluded.period_ms,
           etag = nextval('orleans_reminder_etag')
    RETURNING etag AS "Version"
$q$),

('ReadReminderRowKey', $q$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", etag AS "Version"
      FROM orleans_reminder
     WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$q$),

('ReadReminderRowsKey', $q$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", etag AS "Version"
      FROM orleans_reminder
     WHERE service_id = @ServiceId AND grain_id = @GrainId
$q$),

-- Reminders: a ring range is (BeginHash, EndHash]. The provider picks this query when the range does not
-- wrap (BeginHash < EndHash as signed integers) ...
('ReadRangeRows1Key', $q$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", etag AS "Version"
      FROM orleans_reminder
     WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$q$),

-- ... and this one when it wraps past the top of the ring (BeginHash >= EndHash; equal means the whole ring).
('ReadRangeRows2Key', $q$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", etag AS "Version"
      FROM orleans_reminder
     WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$q$),

-- Reminders: true only if the row still carried the ETag the caller read.
('DeleteReminderRowKey', $q$
    WITH removed AS (
        DELETE FROM orleans_reminder
         WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND etag = @Version
        RETURNING 1)
    SELECT count(*) > 0 FROM removed
$q$),

('DeleteReminderRowsKey', $q$
    DELETE FROM orleans_reminder WHERE service_id = @ServiceId
$q$)

ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
