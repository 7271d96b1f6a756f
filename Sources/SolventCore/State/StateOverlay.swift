/// Pending writes layered over a `StateReader`. Execution reads and writes through an overlay;
/// a transaction runs in a child overlay that is merged into the block's overlay only when the
/// transaction succeeds, so a failed transaction leaves no trace but its receipt.
///
/// The write map is a Dictionary for speed, but nothing ever iterates it unsorted:
/// `changes()` sorts by (table, key) before anything reaches the state hash or the store.
public final class StateOverlay: StateReader {
    private let base: any StateReader
    private var writes: [StateKey: [UInt8]?] = [:]

    public init(base: any StateReader) {
        self.base = base
    }

    public func get(_ table: StateTable, _ key: [UInt8]) -> [UInt8]? {
        if let pending = writes[StateKey(table, key)] { return pending }
        return base.get(table, key)
    }

    public func put(_ table: StateTable, _ key: [UInt8], _ value: [UInt8]) {
        writes[StateKey(table, key)] = .some(value)
    }

    public func delete(_ table: StateTable, _ key: [UInt8]) {
        writes[StateKey(table, key)] = .some(nil)
    }

    public var isEmpty: Bool { writes.isEmpty }

    /// Moves this overlay's writes into `parent` (which must be this overlay's base).
    public func merge(into parent: StateOverlay) {
        for (key, value) in writes { parent.writes[key] = value }
        writes.removeAll(keepingCapacity: true)
    }

    /// Every entry whose value differs from the base, sorted by (table, key).
    public func changes() -> [StateChange] {
        var out = [StateChange]()
        out.reserveCapacity(writes.count)
        for key in writes.keys.sorted() {
            let new = writes[key]!
            let old = base.get(key.table, key.key)
            if old != new { out.append(StateChange(key: key, old: old, new: new)) }
        }
        return out
    }
}
