/**
 * Numbered schema migrations. Each runs once, in its own transaction, and the
 * version lives in PRAGMA user_version. Append new migrations at the end; never
 * edit one that has shipped.
 */
import { sealUnchainedAuditRows } from '../governance/audit-chain.js';
import type { Db } from './db.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Work SQL cannot do (hashing, say), run after the SQL in the same transaction. */
  readonly after?: (db: Db) => void;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'spine: users, cameras, reads, hot lists, hits, alerts, dispositions, audit',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('officer', 'administrator')),
        trained INTEGER NOT NULL CHECK (trained IN (0, 1)),
        pin_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE cameras (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        source TEXT NOT NULL,
        in_service INTEGER NOT NULL DEFAULT 1 CHECK (in_service IN (0, 1)),
        out_of_service_reason TEXT
      ) STRICT;

      CREATE TABLE reads (
        id INTEGER PRIMARY KEY,
        plate TEXT NOT NULL,
        confidence REAL NOT NULL,
        state TEXT,
        state_confidence REAL,
        box_x INTEGER NOT NULL,
        box_y INTEGER NOT NULL,
        box_w INTEGER NOT NULL,
        box_h INTEGER NOT NULL,
        candidates TEXT NOT NULL,
        camera_id TEXT NOT NULL,
        captured_at INTEGER NOT NULL,
        lat REAL,
        lon REAL,
        gps_accuracy_m REAL,
        crop_jpeg BLOB,
        context_jpeg BLOB
      ) STRICT;
      CREATE INDEX reads_plate ON reads (plate);
      CREATE INDEX reads_captured_at ON reads (captured_at);

      CREATE TABLE hot_lists (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        entry_count INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      CREATE TABLE hot_list_entries (
        id INTEGER PRIMARY KEY,
        list_id INTEGER NOT NULL REFERENCES hot_lists (id) ON DELETE CASCADE,
        plate TEXT NOT NULL,
        state TEXT,
        list_code TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        source_line INTEGER
      ) STRICT;
      CREATE INDEX hot_list_entries_plate ON hot_list_entries (plate);
      CREATE INDEX hot_list_entries_list ON hot_list_entries (list_id);

      CREATE TABLE hits (
        id INTEGER PRIMARY KEY,
        read_id INTEGER NOT NULL REFERENCES reads (id),
        entry_id INTEGER NOT NULL,
        match_kind TEXT NOT NULL,
        differing_positions TEXT NOT NULL,
        matched_plate TEXT NOT NULL,
        entry_snapshot TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX hits_read ON hits (read_id);

      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        hit_id INTEGER NOT NULL UNIQUE REFERENCES hits (id),
        status TEXT NOT NULL CHECK (status IN ('pending', 'acknowledged', 'disposed')),
        raised_at INTEGER NOT NULL,
        acknowledged_at INTEGER,
        acknowledged_by TEXT,
        characters_match INTEGER,
        state_matches INTEGER,
        dispatch_result TEXT,
        dispatch_note TEXT,
        checks_by TEXT
      ) STRICT;
      CREATE INDEX alerts_status ON alerts (status);

      CREATE TABLE dispositions (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL UNIQUE REFERENCES alerts (id),
        kind TEXT NOT NULL CHECK (kind IN ('confirmed', 'misread', 'not-on-list', 'other')),
        note TEXT NOT NULL,
        user_id TEXT NOT NULL,
        recorded_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        user_id TEXT,
        action TEXT NOT NULL,
        detail TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_log_at ON audit_log (at);
    `,
  },
  {
    version: 2,
    name: 'hot lists: list settings and sync state, one table per imported list generation, look-alike lookup key, manual entries',
    sql: `
      -- generation: the hot_list_generations row whose table (hot_list_gen_<id>) holds the
      -- list in force; 0 when the list's entries are in hot_list_entries (manual lists).
      ALTER TABLE hot_lists ADD COLUMN kind TEXT NOT NULL DEFAULT 'imported' CHECK (kind IN ('imported', 'manual'));
      ALTER TABLE hot_lists ADD COLUMN format TEXT;
      ALTER TABLE hot_lists ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE hot_lists ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE hot_lists ADD COLUMN checked_at INTEGER;
      ALTER TABLE hot_lists ADD COLUMN etag TEXT;
      ALTER TABLE hot_lists ADD COLUMN last_modified TEXT;
      ALTER TABLE hot_lists ADD COLUMN source_stamp TEXT;
      ALTER TABLE hot_lists ADD COLUMN last_error TEXT;
      ALTER TABLE hot_lists ADD COLUMN last_error_at INTEGER;
      UPDATE hot_lists SET checked_at = updated_at WHERE entry_count > 0;

      -- Each import loads a fresh table; it becomes current in one short transaction
      -- once complete and valid, and the one it replaces is dropped.
      CREATE TABLE hot_list_generations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        list_id INTEGER NOT NULL REFERENCES hot_lists (id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('loading', 'current', 'retired')),
        owner_pid INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        entries INTEGER
      ) STRICT;
      CREATE INDEX hot_list_generations_list ON hot_list_generations (list_id, status);

      -- hot_list_entries now holds manual entries (and rows of lists never re-imported).
      -- lookup_key folds OCR look-alikes (hotlist/plate.ts LOOKALIKE_CLASSES, foldSql);
      -- for a partial plate it is the pattern itself, which no read's key can equal.
      ALTER TABLE hot_list_entries ADD COLUMN lookup_key TEXT;
      ALTER TABLE hot_list_entries ADD COLUMN pattern INTEGER NOT NULL DEFAULT 0 CHECK (pattern IN (0, 1));
      ALTER TABLE hot_list_entries ADD COLUMN expires_at INTEGER;
      ALTER TABLE hot_list_entries ADD COLUMN reason TEXT;
      ALTER TABLE hot_list_entries ADD COLUMN entered_by TEXT;
      ALTER TABLE hot_list_entries ADD COLUMN entered_at INTEGER;
      UPDATE hot_list_entries SET lookup_key = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(upper(plate), 'O', '0'), 'D', '0'), 'Q', '0'), 'I', '1'), 'L', '1'), 'T', '1'), 'Z', '2'), 'S', '5'), 'B', '8'), 'G', '6');
      UPDATE hot_list_entries SET pattern = 1, lookup_key = plate WHERE plate GLOB '*[*?]*';
      DROP INDEX hot_list_entries_plate;
      CREATE INDEX hot_list_entries_key ON hot_list_entries (lookup_key);
      CREATE INDEX hot_list_entries_patterns ON hot_list_entries (list_id) WHERE pattern = 1;
    `,
  },
  {
    version: 3,
    name: 'outbound queue: records waiting to go back to the agency',
    sql: `
      -- Records the car must hand back to the agency when it can reach it (covert hits
      -- first of all, which are never shown in the car). Rows stay until acknowledged.
      CREATE TABLE upload_queue (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('covert-hit', 'hit', 'disposition')),
        record_id INTEGER NOT NULL,
        queued_at INTEGER NOT NULL,
        uploaded_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        UNIQUE (kind, record_id)
      ) STRICT;
      CREATE INDEX upload_queue_pending ON upload_queue (queued_at) WHERE uploaded_at IS NULL;
    `,
  },
  {
    version: 12,
    name: 'sessions: resume tokens of signed-in screens',
    sql: `
      -- One row per sign-in on a screen. Only the SHA-256 of the resume token is kept,
      -- so the database alone cannot sign anyone in.
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        signed_in_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
        ended_at INTEGER
      ) STRICT;
      CREATE INDEX sessions_user ON sessions (user_id) WHERE ended_at IS NULL;
    `,
  },
  {
    version: 13,
    name: 'users: the supervisor role',
    sql: `
      -- SQLite cannot change a CHECK constraint in place: the table is rebuilt with the
      -- same rows. Supervisors approve special details and review hits and exports.
      CREATE TABLE users_new (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('officer', 'supervisor', 'administrator')),
        trained INTEGER NOT NULL CHECK (trained IN (0, 1)),
        pin_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      INSERT INTO users_new (id, name, role, trained, pin_hash, created_at)
        SELECT id, name, role, trained, pin_hash, created_at FROM users;
      DROP TABLE users;
      ALTER TABLE users_new RENAME TO users;
    `,
  },
  {
    version: 20,
    name: 'reads: when each read was matched against the hot lists',
    sql: `
      -- Set in the transaction that stores the read's hits and alerts. A read stored
      -- without it (matching failed) is matched again at start-up. Reads stored before
      -- this version were matched as they were stored.
      ALTER TABLE reads ADD COLUMN matched_at INTEGER;
      UPDATE reads SET matched_at = captured_at;
      CREATE INDEX reads_unmatched ON reads (id) WHERE matched_at IS NULL;
    `,
  },
  {
    version: 30,
    name: 'hot lists: the date of the data itself (extract date, file mtime or Last-Modified)',
    sql: `
      -- A list's age is its data's age: data_at is the extract's own date, else the file's
      -- modification time or the server's Last-Modified; data_from says which. Re-syncing an
      -- unchanged file leaves it alone. Lists imported before keep their import time.
      ALTER TABLE hot_lists ADD COLUMN data_at INTEGER;
      ALTER TABLE hot_lists ADD COLUMN data_from TEXT CHECK (data_from IN ('extract', 'file', 'server', 'download'));
      UPDATE hot_lists SET data_at = updated_at WHERE entry_count > 0 AND kind = 'imported';
    `,
  },
  {
    version: 40,
    name: 'audit: hash chain (each row carries the previous hash and its own)',
    sql: `
      -- hash = SHA-256(prev_hash || canonical row); governance/audit-chain.ts. Rows written
      -- before this version are chained in id order by the migration's after step.
      ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
      ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
      CREATE INDEX audit_log_user ON audit_log (user_id, id);
      CREATE INDEX audit_log_action ON audit_log (action, id);
      -- The newest row's id and hash, kept apart from the rows so that deleting the last
      -- rows is seen too. Ids are assigned from here, never reused after a purge.
      CREATE TABLE audit_chain_head (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        last_id INTEGER NOT NULL,
        last_hash TEXT NOT NULL
      ) STRICT;
    `,
    after: (db) => sealUnchainedAuditRows(db),
  },
  {
    version: 41,
    name: 'users: disabled flag, failed sign-ins in a row and lockout',
    sql: `
      ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
      -- Wrong PINs since the last good one; at the configured limit the account is
      -- locked until locked_until (ms since the epoch).
      ALTER TABLE users ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE users ADD COLUMN locked_until INTEGER;
      ALTER TABLE users ADD COLUMN pin_changed_at INTEGER;
    `,
  },
  {
    version: 50,
    name: 'records: legal holds and purge runs',
    sql: `
      -- A hold keeps the reads it names (and their hits, alerts, dispositions, images and
      -- positions) past their retention period until it is released or its date passes.
      -- It names reads by id (hold_reads), by plate pattern and time range, or both.
      CREATE TABLE holds (
        id INTEGER PRIMARY KEY,
        case_number TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        until INTEGER NOT NULL,
        by_criteria INTEGER NOT NULL CHECK (by_criteria IN (0, 1)),
        plate TEXT,
        from_at INTEGER,
        to_at INTEGER,
        released_at INTEGER,
        released_by TEXT,
        release_reason TEXT
      ) STRICT;
      CREATE INDEX holds_active ON holds (until) WHERE released_at IS NULL;
      -- No foreign key to reads: a released hold's list outlives the reads it named.
      CREATE TABLE hold_reads (
        hold_id INTEGER NOT NULL REFERENCES holds (id),
        read_id INTEGER NOT NULL,
        PRIMARY KEY (read_id, hold_id)
      ) STRICT;

      -- One row per purge: the time it purged as of, so a clock that went back is noticed.
      CREATE TABLE retention_runs (
        id INTEGER PRIMARY KEY,
        as_of INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        counts TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 51,
    name: 'records: history searches with their justification and what they returned',
    sql: `
      -- Every history search (C.8): who, when, why (case number, or reason and text), what it
      -- asked for and the reads it returned, so each later image view can be tied to it.
      CREATE TABLE history_searches (
        id INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        case_number TEXT,
        reason TEXT,
        reason_text TEXT,
        criteria TEXT NOT NULL,
        read_ids TEXT NOT NULL,
        truncated INTEGER NOT NULL CHECK (truncated IN (0, 1)),
        CHECK (case_number IS NOT NULL OR (reason IS NOT NULL AND reason_text IS NOT NULL))
      ) STRICT;
      CREATE INDEX history_searches_user ON history_searches (user_id, at);
    `,
  },
  {
    version: 52,
    name: 'records: dissemination log of evidence exports',
    sql: `
      -- The secondary dissemination log (D.1): every evidence package that left the car's
      -- records, who made it, for whom (person and agency), why, under which case, what it
      -- holds, and the SHA-256 of its manifest so a package can be matched to its entry.
      CREATE TABLE disseminations (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        recipient_person TEXT NOT NULL,
        recipient_agency TEXT NOT NULL,
        reason TEXT NOT NULL,
        case_number TEXT NOT NULL,
        source_kind TEXT NOT NULL CHECK (source_kind IN ('hit', 'search')),
        source_id INTEGER NOT NULL,
        read_ids TEXT NOT NULL,
        hit_ids TEXT NOT NULL,
        file TEXT NOT NULL,
        manifest_sha256 TEXT NOT NULL
      ) STRICT;
      CREATE INDEX disseminations_at ON disseminations (at);
    `,
  },
  {
    version: 60,
    name: 'evidence: a read behind a hit keeps its images, time and position; closer views stored beside it',
    sql: `
      -- Later, closer views of a pass whose read already raised a hit: the read's own
      -- images stay the evidence; these sit beside it.
      CREATE TABLE read_views (
        id INTEGER PRIMARY KEY,
        read_id INTEGER NOT NULL REFERENCES reads (id),
        crop_jpeg BLOB,
        context_jpeg BLOB,
        box_x INTEGER NOT NULL,
        box_y INTEGER NOT NULL,
        box_w INTEGER NOT NULL,
        box_h INTEGER NOT NULL,
        captured_at INTEGER NOT NULL,
        lat REAL,
        lon REAL,
        gps_accuracy_m REAL,
        added_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX read_views_read ON read_views (read_id);

      -- Whatever the code does, the database refuses to change the evidence of a hit.
      CREATE TRIGGER reads_evidence_fixed
        BEFORE UPDATE OF crop_jpeg, context_jpeg, captured_at, lat, lon, gps_accuracy_m, box_x, box_y, box_w, box_h ON reads
        WHEN EXISTS (SELECT 1 FROM hits WHERE read_id = OLD.id)
      BEGIN
        SELECT RAISE(ABORT, 'the images, time and position of a read that raised a hit are evidence and cannot be changed');
      END;
      CREATE TRIGGER read_views_fixed BEFORE UPDATE ON read_views
      BEGIN
        SELECT RAISE(ABORT, 'a stored view of a read cannot be changed');
      END;
    `,
  },
  {
    version: 61,
    name: 'reads: the GPS fix in full (speed, heading, quality, satellites, its UTC time and clock offset)',
    sql: `
      ALTER TABLE reads ADD COLUMN gps_speed_kmh REAL;
      ALTER TABLE reads ADD COLUMN gps_heading_deg REAL;
      ALTER TABLE reads ADD COLUMN gps_quality TEXT;
      ALTER TABLE reads ADD COLUMN gps_satellites INTEGER;
      -- The fix's own UTC time, and that time minus the system clock when it arrived.
      ALTER TABLE reads ADD COLUMN gps_time INTEGER;
      ALTER TABLE reads ADD COLUMN gps_clock_offset_ms INTEGER;
    `,
  },
  {
    version: 70,
    name: 'alerts: repeat sightings of the entry while the alert is open',
    sql: `
      -- The same entry read again while its alert is still open updates that alert
      -- (one alert per entry per pass) instead of raising another with a siren.
      ALTER TABLE alerts ADD COLUMN seen_again_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE alerts ADD COLUMN seen_again_at INTEGER;
      ALTER TABLE alerts ADD COLUMN seen_again_camera TEXT;
      ALTER TABLE alerts ADD COLUMN seen_again_read_id INTEGER;
      CREATE INDEX hits_entry ON hits (entry_id);
    `,
  },
  {
    version: 80,
    name: 'dispositions: quick-pick reason and the officer\'s actions (stop, arrest, citation, recovery)',
    sql: `
      -- actions: a JSON array of action codes (shared/checklist.ts DISPOSITION_ACTIONS), B.1.d results.
      ALTER TABLE dispositions ADD COLUMN reason TEXT;
      ALTER TABLE dispositions ADD COLUMN actions TEXT NOT NULL DEFAULT '[]';
    `,
  },
  {
    version: 81,
    name: 'deployments (routine patrol, special detail) and one-time approval codes',
    sql: `
      -- B.1.d, C.7: a special detail stays 'awaiting-approval' until a supervisor approves it.
      CREATE TABLE deployments (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('routine', 'special')),
        purpose TEXT NOT NULL,
        officer_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('awaiting-approval', 'active', 'ended', 'withdrawn')),
        requested_at INTEGER NOT NULL,
        approved_by TEXT,
        approved_at INTEGER,
        approval_method TEXT CHECK (approval_method IN ('supervisor-pin', 'code')),
        started_at INTEGER,
        ended_at INTEGER,
        CHECK (kind = 'routine' OR status IN ('awaiting-approval', 'withdrawn') OR approved_by IS NOT NULL)
      ) STRICT;
      CREATE INDEX deployments_officer ON deployments (officer_id, status);
      CREATE INDEX deployments_open ON deployments (status) WHERE status IN ('awaiting-approval', 'active');

      -- Only the SHA-256 of a code is kept; a code approves one deployment once.
      CREATE TABLE deployment_approval_codes (
        code_hash TEXT PRIMARY KEY,
        supervisor_id TEXT NOT NULL,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER,
        used_for INTEGER REFERENCES deployments (id)
      ) STRICT;

      -- The shift summary counts alerts by the time they were raised.
      CREATE INDEX IF NOT EXISTS alerts_raised_at ON alerts (raised_at);
    `,
  },
  {
    version: 82,
    name: "hot lists: the kind of a failed sync's fault (missing file, server refused, bad format...)",
    sql: `
      -- last_error keeps the engine's account (paths, addresses) for the administrator;
      -- the kind (shared/hotlists.ts HOTLIST_FAULT_KINDS) is what the officer's words come
      -- from. A failure stored before this version has no kind and reads as 'unexpected'.
      ALTER TABLE hot_lists ADD COLUMN last_error_kind TEXT;
      -- refused: the server's HTTP status; bad-format: the file's line at fault.
      ALTER TABLE hot_lists ADD COLUMN last_error_status INTEGER;
      ALTER TABLE hot_lists ADD COLUMN last_error_line INTEGER;
    `,
  },
];
