import CLMDB

/// An LMDB failure, with the library's own explanation.
public struct LMDBError: Error, CustomStringConvertible {
    public let code: Int32
    public let operation: String

    public var description: String {
        "\(operation): \(String(cString: mdb_strerror(code))) (LMDB \(code))"
    }

    public var isMapFull: Bool { code == MDB_MAP_FULL }
}

@inline(__always)
func check(_ rc: Int32, _ operation: @autoclosure () -> String) throws(LMDBError) {
    guard rc == 0 else { throw LMDBError(code: rc, operation: operation()) }
}

/// A thin wrapper over an LMDB environment with named databases ("tables").
///
/// Opened with MDB_NOTLS so read transactions are not tied to the thread that began them (Swift
/// tasks move between threads). Write transactions are run synchronously inside `write`, never
/// across an `await`, since LMDB's writer lock belongs to a thread.
public final class LMDBEnvironment: @unchecked Sendable {
    let env: OpaquePointer
    private var tables: [String: MDB_dbi] = [:]
    /// Handles by a small number (a state table's raw value): state reads look their table up on
    /// every get and scan, and a String hash per read showed in profiles.
    private var numbered = [MDB_dbi?](repeating: nil, count: 256)
    public let path: String
    public let readOnly: Bool

    /// `optionalTables`: tables a read-only open skips when the environment does not have them
    /// (using one then is a programming error).
    public init(path: String, tableNames: [String], optionalTables: Set<String> = [], mapSize: Int = 64 << 30,
                readOnly: Bool = false) throws {
        var e: OpaquePointer?
        try check(mdb_env_create(&e), "mdb_env_create")
        env = e!
        self.path = path
        self.readOnly = readOnly
        do {
            try check(mdb_env_set_maxdbs(env, MDB_dbi(tableNames.count + 4)), "mdb_env_set_maxdbs")
            try check(mdb_env_set_mapsize(env, mapSize), "mdb_env_set_mapsize")
            let flags = UInt32(MDB_NOTLS) | (readOnly ? UInt32(MDB_RDONLY) : 0)
            try check(mdb_env_open(env, path, flags, 0o644), "opening LMDB environment at \(path)")
            // Named databases are opened once, in one transaction, and their handles reused.
            var txn: OpaquePointer?
            try check(mdb_txn_begin(env, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn), "mdb_txn_begin")
            for name in tableNames {
                var dbi: MDB_dbi = 0
                let rc = mdb_dbi_open(txn, name, readOnly ? 0 : UInt32(MDB_CREATE), &dbi)
                if rc == MDB_NOTFOUND, readOnly, optionalTables.contains(name) { continue }
                if rc != 0 {
                    mdb_txn_abort(txn)
                    throw LMDBError(code: rc, operation: "opening table \(name)")
                }
                tables[name] = dbi
            }
            try check(mdb_txn_commit(txn), "mdb_txn_commit")
        } catch {
            mdb_env_close(env)
            throw error
        }
    }

    deinit { mdb_env_close(env) }

    public func dbi(_ name: String) -> MDB_dbi {
        guard let dbi = tables[name] else { preconditionFailure("table \(name) was not declared when the environment was opened") }
        return dbi
    }

    /// Gives table `name` the number `n` for `dbi(numbered:)`. Call before the environment is
    /// shared between threads.
    public func number(_ name: String, as n: UInt8) { numbered[Int(n)] = dbi(name) }

    public func dbi(numbered n: UInt8) -> MDB_dbi {
        guard let dbi = numbered[Int(n)] else { preconditionFailure("no table was given number \(n)") }
        return dbi
    }

    /// Runs `body` in a read-only transaction that sees one consistent committed snapshot.
    public func read<T>(_ body: (LMDBTransaction) throws -> T) throws -> T {
        var txn: OpaquePointer?
        try check(mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn), "beginning a read transaction")
        let t = LMDBTransaction(txn: txn!, environment: self)
        defer { mdb_txn_abort(txn) }
        return try body(t)
    }

    /// Runs `body` in a write transaction and commits it when `body` returns; any error aborts it,
    /// leaving the store exactly as it was. Committing writes the pages and fsyncs (LMDB's default),
    /// so once this returns the data survives a crash of the process or the machine.
    public func write<T>(_ body: (LMDBTransaction) throws -> T) throws -> T {
        var txn: OpaquePointer?
        try check(mdb_txn_begin(env, nil, 0, &txn), "beginning a write transaction")
        let t = LMDBTransaction(txn: txn!, environment: self)
        let result: T
        do {
            result = try body(t)
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
        try check(mdb_txn_commit(txn), "committing a write transaction")
        return result
    }

    /// Flushes to disk (used after a bulk import done with sync relaxed; normal commits already sync).
    public func sync() throws(LMDBError) { try check(mdb_env_sync(env, 1), "mdb_env_sync") }

    /// Whether each commit waits for the disk (the default). Off, commits reach the disk at the
    /// next `sync()` (a crash may lose the latest ones, never the database's consistency): for a
    /// store rebuilt from one that is durable, as a replay does, where a crash means running again.
    public func setSyncOnCommit(_ on: Bool) throws(LMDBError) {
        try check(mdb_env_set_flags(env, UInt32(MDB_NOSYNC), on ? 0 : 1), "mdb_env_set_flags")
    }
}

/// A transaction handle, valid only inside the `read`/`write` closure that produced it.
public struct LMDBTransaction {
    let txn: OpaquePointer
    let environment: LMDBEnvironment

    public func get(_ table: String, _ key: [UInt8]) -> [UInt8]? {
        var dbi = environment.dbi(table)
        return get(&dbi, key)
    }

    /// `get` from the table numbered `n` (`LMDBEnvironment.number`).
    public func get(numbered n: UInt8, _ key: [UInt8]) -> [UInt8]? {
        var dbi = environment.dbi(numbered: n)
        return get(&dbi, key)
    }

    func get(_ dbi: inout MDB_dbi, _ key: [UInt8]) -> [UInt8]? {
        key.withUnsafeBytes { k in
            var kv = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
            var dv = MDB_val()
            let rc = mdb_get(txn, dbi, &kv, &dv)
            guard rc == 0 else { return nil }
            return Array(UnsafeRawBufferPointer(start: dv.mv_data, count: dv.mv_size))
        }
    }

    public func put(_ table: String, _ key: [UInt8], _ value: [UInt8], append: Bool = false) throws(LMDBError) {
        try put(environment.dbi(table), table, key, value, append: append)
    }

    /// A state entry's write or deletion (nil), in the table numbered `n`.
    public func set(numbered n: UInt8, name: @autoclosure () -> String, _ key: [UInt8], _ value: [UInt8]?) throws(LMDBError) {
        if let value {
            try put(environment.dbi(numbered: n), name(), key, value, append: false)
        } else {
            try delete(environment.dbi(numbered: n), name(), key)
        }
    }

    private func put(_ dbi: MDB_dbi, _ table: @autoclosure () -> String, _ key: [UInt8], _ value: [UInt8], append: Bool) throws(LMDBError) {
        let rc: Int32 = key.withUnsafeBytes { k in
            value.withUnsafeBytes { v in
                var kv = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
                var dv = MDB_val(mv_size: v.count, mv_data: UnsafeMutableRawPointer(mutating: v.baseAddress))
                return mdb_put(txn, dbi, &kv, &dv, append ? UInt32(MDB_APPEND) : 0)
            }
        }
        try check(rc, "writing to table \(table())")
    }

    public func delete(_ table: String, _ key: [UInt8]) throws(LMDBError) {
        try delete(environment.dbi(table), table, key)
    }

    private func delete(_ dbi: MDB_dbi, _ table: @autoclosure () -> String, _ key: [UInt8]) throws(LMDBError) {
        let rc: Int32 = key.withUnsafeBytes { k in
            var kv = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
            return mdb_del(txn, dbi, &kv, nil)
        }
        guard rc == 0 || rc == MDB_NOTFOUND else { throw LMDBError(code: rc, operation: "deleting from table \(table())") }
    }

    /// Calls `visit` for each entry whose key starts with `prefix`, in key order, from `start`
    /// (inclusive; defaults to the prefix) until `visit` returns false.
    public func scan(_ table: String, prefix: [UInt8] = [], from start: [UInt8]? = nil,
                     _ visit: ([UInt8], [UInt8]) -> Bool) throws(LMDBError) {
        try scan(environment.dbi(table), table, prefix: prefix, from: start, visit)
    }

    /// `scan` of the table numbered `n` (`LMDBEnvironment.number`); `name` is for errors.
    public func scan(numbered n: UInt8, name: @autoclosure () -> String, prefix: [UInt8], from start: [UInt8]?,
                     _ visit: ([UInt8], [UInt8]) -> Bool) throws(LMDBError) {
        try scan(environment.dbi(numbered: n), name(), prefix: prefix, from: start, visit)
    }

    private func scan(_ dbi: MDB_dbi, _ table: @autoclosure () -> String, prefix: [UInt8], from start: [UInt8]?,
                      _ visit: ([UInt8], [UInt8]) -> Bool) throws(LMDBError) {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(txn, dbi, &cursor), "opening a cursor on \(table())")
        defer { mdb_cursor_close(cursor) }
        let seek = start.map { $0.lexicographicallyPrecedes(prefix) ? prefix : $0 } ?? prefix
        var kv = MDB_val()
        var dv = MDB_val()
        var rc: Int32 = seek.withUnsafeBytes { s in
            if s.isEmpty { return mdb_cursor_get(cursor, &kv, &dv, MDB_FIRST) }
            kv = MDB_val(mv_size: s.count, mv_data: UnsafeMutableRawPointer(mutating: s.baseAddress))
            return mdb_cursor_get(cursor, &kv, &dv, MDB_SET_RANGE)
        }
        while rc == 0 {
            let key = Array(UnsafeRawBufferPointer(start: kv.mv_data, count: kv.mv_size))
            guard key.starts(with: prefix) else { return }
            let value = Array(UnsafeRawBufferPointer(start: dv.mv_data, count: dv.mv_size))
            guard visit(key, value) else { return }
            rc = mdb_cursor_get(cursor, &kv, &dv, MDB_NEXT)
        }
        guard rc == MDB_NOTFOUND else { throw LMDBError(code: rc, operation: "scanning \(table())") }
    }

    /// The last entry of a table (largest key), if any.
    public func last(_ table: String) throws(LMDBError) -> ([UInt8], [UInt8])? {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(txn, environment.dbi(table), &cursor), "opening a cursor on \(table)")
        defer { mdb_cursor_close(cursor) }
        var kv = MDB_val()
        var dv = MDB_val()
        let rc = mdb_cursor_get(cursor, &kv, &dv, MDB_LAST)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "reading the last entry of \(table)")
        return (Array(UnsafeRawBufferPointer(start: kv.mv_data, count: kv.mv_size)),
                Array(UnsafeRawBufferPointer(start: dv.mv_data, count: dv.mv_size)))
    }

    public func entryCount(_ table: String) throws(LMDBError) -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(txn, environment.dbi(table), &stat), "mdb_stat \(table)")
        return stat.ms_entries
    }
}
