import SolventCore

/// Encoding of a block's state changes in the `changesets` table (contracts-spec/storage.md):
/// u32 count, then per change: table u8, key (u32 length + bytes), old and new values each as a
/// presence byte (0 absent, 1 present) followed, when present, by u32 length + bytes.
enum Changeset {
    static func encode(_ changes: [StateChange]) -> [UInt8] {
        var w = ByteWriter(capacity: 64 * changes.count + 4)
        w.u32(UInt32(changes.count))
        for c in changes {
            w.u8(c.key.table.rawValue)
            w.blob(c.key.key)
            for value in [c.old, c.new] {
                if let value {
                    w.u8(1)
                    w.blob(value)
                } else {
                    w.u8(0)
                }
            }
        }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> [StateChange] {
        var r = ByteReader(bytes)
        let n = Int(try r.u32("change count"))
        var out = [StateChange]()
        for _ in 0..<n {
            guard let table = StateTable(rawValue: try r.u8("table")) else { throw StoreError(.corrupt, "changeset names an unknown table") }
            let key = try r.blob("key")
            var values = [[UInt8]?]()
            for _ in 0..<2 { values.append(try r.bool("present") ? try r.blob("value") : nil) }
            out.append(StateChange(key: StateKey(table, key), old: values[0], new: values[1]))
        }
        try r.expectEnd()
        return out
    }
}
