import Foundation
import GRDB
import RuleWatchCore

/// The store's schema: named migrations, applied in order and never edited once released
/// (a change is a new migration), so a store written by any version upgrades in place.
enum _Schema {
    /// `PRAGMA application_id`: marks a SQLite file as a rulewatch store ("RWST").
    static let applicationID: Int32 = 0x5257_5354

    static let migrator: DatabaseMigrator = {
        var m = DatabaseMigrator()
        m.registerMigration("v1 snapshots, rules, change blobs") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            // One row per node; `state` is every rule's last counters, totals and resets
            // (`_SourceState`), read and rewritten by each ingest in its transaction.
            try db.execute(sql: """
                CREATE TABLE source (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    state BLOB
                );
                CREATE TABLE tbl (
                    id INTEGER PRIMARY KEY,
                    source_id INTEGER NOT NULL REFERENCES source(id),
                    family TEXT NOT NULL,
                    name TEXT NOT NULL,
                    format TEXT NOT NULL,
                    UNIQUE (source_id, family, name, format)
                );
                CREATE TABLE chain (
                    id INTEGER PRIMARY KEY,
                    table_id INTEGER NOT NULL REFERENCES tbl(id),
                    name TEXT NOT NULL,
                    hook TEXT,
                    policy TEXT,
                    resets INTEGER NOT NULL DEFAULT 0,
                    UNIQUE (table_id, name)
                );
                CREATE TABLE rule (
                    source_id INTEGER NOT NULL REFERENCES source(id),
                    idx INTEGER NOT NULL,
                    key INTEGER NOT NULL,
                    rule_id TEXT NOT NULL,
                    table_id INTEGER NOT NULL REFERENCES tbl(id),
                    chain_id INTEGER NOT NULL REFERENCES chain(id),
                    target TEXT NOT NULL,
                    target_class TEXT NOT NULL,
                    text TEXT NOT NULL,
                    canonical TEXT NOT NULL,
                    format TEXT NOT NULL,
                    occurrence INTEGER NOT NULL,
                    is_policy INTEGER NOT NULL,
                    first_time INTEGER NOT NULL,
                    first_position INTEGER NOT NULL,
                    PRIMARY KEY (source_id, idx)
                ) WITHOUT ROWID;
                CREATE TABLE snapshot (
                    id INTEGER PRIMARY KEY,
                    source_id INTEGER NOT NULL REFERENCES source(id),
                    time INTEGER NOT NULL,
                    format TEXT NOT NULL,
                    egress_ok INTEGER,
                    egress_total INTEGER,
                    line INTEGER NOT NULL,
                    partial INTEGER NOT NULL,
                    tables TEXT NOT NULL,
                    shown INTEGER NOT NULL,
                    changed INTEGER NOT NULL,
                    changes BLOB NOT NULL,
                    base BLOB,
                    UNIQUE (source_id, time)
                );
                CREATE TABLE file_cursor (
                    source_id INTEGER NOT NULL REFERENCES source(id),
                    path TEXT NOT NULL,
                    device INTEGER NOT NULL,
                    inode INTEGER NOT NULL,
                    offset INTEGER NOT NULL,
                    fingerprint_start INTEGER NOT NULL,
                    fingerprint INTEGER NOT NULL,
                    PRIMARY KEY (source_id, path)
                );
                """)
        }
        m.registerMigration("v2 rules in zlib batches") { db in
            // The rule columns cost more than a day of samples; batches deflate them tenfold.
            try db.execute(sql: """
                CREATE TABLE rule_batch (
                    source_id INTEGER NOT NULL REFERENCES source(id),
                    first_idx INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    rules BLOB NOT NULL,
                    PRIMARY KEY (source_id, first_idx)
                ) WITHOUT ROWID
                """)
            let sources = try Int64.fetchAll(db, sql: "SELECT DISTINCT source_id FROM rule")
            for source in sources {
                let rules = try Row.fetchAll(db, sql: "SELECT * FROM rule WHERE source_id = ? ORDER BY idx", arguments: [source]).map { row in
                    let key: Int64 = row["key"]
                    return _RuleBatch.Rule(key: UInt64(bitPattern: key), table: row["table_id"], chain: row["chain_id"],
                                           target: row["target"], targetClass: TargetClass(rawValue: row["target_class"]) ?? .other,
                                           text: row["text"], canonical: row["canonical"],
                                           format: DumpFormat(rawValue: row["format"]) ?? .save, occurrence: row["occurrence"],
                                           isPolicy: row["is_policy"], firstTime: row["first_time"], firstPosition: row["first_position"])
                }
                try db.execute(sql: "INSERT INTO rule_batch (source_id, first_idx, count, rules) VALUES (?, 0, ?, ?)",
                               arguments: [source, rules.count, Data(_RuleBatch.encode(rules))])
            }
            try db.execute(sql: "DROP TABLE rule")
        }
        m.registerMigration("v3 snapshot tcp readings") { db in
            // Each namespace's TCP counters at the snapshot (`# tcp` lines): the passive egress signal.
            try db.execute(sql: "ALTER TABLE snapshot ADD COLUMN tcp BLOB")
        }
        m.registerMigration("v4 nft rule handles") { db in
            // nft's handle of a rule as the latest snapshot that showed it printed it (0: none
            // printed), so that `report` names it in the remove command as `analyze` does. Apart
            // from the rule's identity: a reloaded ruleset numbers its rules afresh.
            try db.execute(sql: """
                CREATE TABLE rule_handle (
                    source_id INTEGER NOT NULL REFERENCES source(id),
                    idx INTEGER NOT NULL,
                    handle INTEGER NOT NULL,
                    time INTEGER NOT NULL,
                    PRIMARY KEY (source_id, idx)
                ) WITHOUT ROWID
                """)
        }
        return m
    }()
}
