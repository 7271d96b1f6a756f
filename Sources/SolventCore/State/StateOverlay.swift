import SolventCrypto

/// Pending writes layered over a `StateReader`, with a one-level undo journal.
///
/// Execution reads and writes through an overlay. Each transaction runs between `begin()` and
/// `commit()`; a refusal calls `rollback()`, which undoes exactly that transaction's writes, so a
/// failed transaction leaves no trace but its receipt. Base reads are cached, so a block reads
/// each entry from the store at most once, and the cached base value is the `old` side of the
/// block's changes.
///
/// The entry map is a Dictionary for speed, but nothing ever iterates it unsorted: `changes()`
/// sorts by (table, key) before anything reaches the state hash or the store.
public final class StateOverlay: StateReader {
    private struct Entry {
        /// The value in the base when first read.
        var original: [UInt8]?
        var current: [UInt8]?
        var written: Bool
        /// Whether the base may hold the key: it did when first read here, or the overlay has
        /// been rebased since. A deletion needs hiding from scans only then.
        var baseMayHold: Bool
    }

    private var base: any StateReader
    private var entries: [StateKey: Entry] = [:]
    /// Per table, the keys written here with a value, sorted: the overlay's side of a merged scan.
    /// A deleted key is not listed, so a scan never steps over what a block removed (a block that
    /// filled and removed thousands of resting orders made every later scan of the book walk them).
    private var presentKeys: [StateTable: SortedKeys] = [:]
    /// Per table, the keys deleted here: a merged scan hides them where the base has them.
    private var deletedKeys: [StateTable: Set<[UInt8]>] = [:]
    /// Markets, oracle markets, assets and settings as last decoded: the margin rules read them for
    /// every valuation, several times per order. A write to one forgets it; a rollback or a rebase
    /// forgets them all.
    private var decodedPerpMarkets: [UInt32: PerpMarket?] = [:]
    private var decodedOracleMarkets: [UInt32: OracleMarket?] = [:]
    private var decodedAssets: [AssetID: Asset?] = [:]
    private var decodedSingletons = DecodedSingletons()
    /// Accounts, vaults and each vault's positions as last decoded: an order reads its vault and
    /// positions for every margin valuation (several per order) and each fill writes them. Their
    /// typed writes keep them current; any other write forgets its vault's (or account's).
    private var decodedAccounts: [Address: Account?] = [:]
    private var decodedVaults: [VaultID: Vault?] = [:]
    private var decodedPositions: [VaultID: [(market: UInt32, position: Position)]] = [:]
    /// Entries as they were before the open transaction first touched them (nil: not present).
    private var journal: [(StateKey, Entry?)]?

    public init(base: any StateReader) {
        self.base = base
    }

    public func get(_ table: StateTable, _ key: [UInt8]) -> [UInt8]? {
        let k = StateKey(table, key)
        if let e = entries[k] { return e.current }
        let value = base.get(table, key)
        entries[k] = Entry(original: value, current: value, written: false, baseMayHold: value != nil)
        journal?.append((k, nil))
        return value
    }

    public func put(_ table: StateTable, _ key: [UInt8], _ value: [UInt8]) { write(StateKey(table, key), value) }

    public func delete(_ table: StateTable, _ key: [UInt8]) { write(StateKey(table, key), nil) }

    /// A typed write's bytes (nil: delete): the caller then keeps its record decoded itself, so
    /// nothing decoded is forgotten first.
    func putTyped(_ table: StateTable, _ key: [UInt8], _ value: [UInt8]?) { write(StateKey(table, key), value, forget: false) }

    private func write(_ k: StateKey, _ value: [UInt8]?, forget: Bool = true) {
        // One hash of the key for the lookup and the update.
        let slot = entries.index(forKey: k)
        let previous = slot.map { entries.values[$0] }
        journal?.append((k, previous))
        if forget { forgetDecoded(k) }
        let entry: Entry
        if let previous {
            entry = Entry(original: previous.original, current: value, written: true, baseMayHold: previous.baseMayHold)
        } else {
            let original = base.get(k.table, k.key)
            entry = Entry(original: original, current: value, written: true, baseMayHold: original != nil)
        }
        if let slot { entries.values[slot] = entry } else { entries[k] = entry }
        // Only a change of list costs anything: rewriting a key this overlay already holds with
        // a value (a vault, a position, the fund's totals, most writes of a block) leaves the
        // lists as they are, and an order placed and filled in one block never reaches the
        // deleted set (the base never had it).
        relist(k, from: Self.listing(previous), to: Self.listing(entry))
    }

    private enum Listing { case present, deleted, unlisted }

    /// Which scan list an entry in state `e` belongs to: written with a value, present; deleted
    /// where the base may hold the key, deleted; otherwise neither.
    private static func listing(_ e: Entry?) -> Listing {
        guard let e, e.written else { return .unlisted }
        if e.current != nil { return .present }
        return e.baseMayHold ? .deleted : .unlisted
    }

    private func relist(_ k: StateKey, from old: Listing, to new: Listing) {
        guard old != new else { return }
        switch old {
        case .present: presentKeys[k.table]?.remove(k.key)
        case .deleted: deletedKeys[k.table]?.remove(k.key)
        case .unlisted: break
        }
        switch new {
        case .present: presentKeys[k.table, default: SortedKeys()].insert(k.key)
        case .deleted: deletedKeys[k.table, default: []].insert(k.key)
        case .unlisted: break
        }
    }

    /// Lists `k` as its entry `e` stands, whatever lists it was in.
    private func relist(_ k: StateKey, _ e: Entry?) {
        presentKeys[k.table]?.remove(k.key)
        deletedKeys[k.table]?.remove(k.key)
        relist(k, from: .unlisted, to: Self.listing(e))
    }

    // MARK: Decoded records

    public func perpMarket(_ id: UInt32) -> PerpMarket? {
        DecodedRecords.memo(&decodedPerpMarkets, id) { numbered(PerpMarket.self, id) }
    }

    public func oracleMarket(_ id: UInt32) -> OracleMarket? {
        DecodedRecords.memo(&decodedOracleMarkets, id) { numbered(OracleMarket.self, id) }
    }

    public func asset(_ id: AssetID) -> Asset? { DecodedRecords.memo(&decodedAssets, id) { numbered(Asset.self, id) } }

    // A typed write keeps what it wrote decoded (a record decodes to itself from its encoding):
    // the markets and the fund's totals change with every fill and are read again by the next.

    public func putPerpMarket(_ m: PerpMarket) {
        putNumbered(m)
        decodedPerpMarkets[m.id] = .some(m)
    }

    public func putOracleMarket(_ market: OracleMarket) {
        putNumbered(market)
        decodedOracleMarkets[market.id] = .some(market)
    }

    public func putAsset(_ asset: Asset) {
        putNumbered(asset)
        decodedAssets[asset.id] = .some(asset)
    }

    public func put<Record: SingletonRecord>(_ record: Record) {
        write(Record.stateKey, record.encoded(), forget: false)
        decodedSingletons.remember(record)
    }

    public func singleton<Record: SingletonRecord>(_: Record.Type) -> Record? {
        decodedSingletons.memo(Record.self) { decodedSingleton(Record.self) }
    }

    public func account(_ address: Address) -> Account? { DecodedRecords.memo(&decodedAccounts, address) { storedAccount(address) } }

    public func vault(_ id: VaultID) -> Vault? { DecodedRecords.memo(&decodedVaults, id) { storedVault(id) } }

    public func positions(of vault: VaultID) -> [(market: UInt32, position: Position)] {
        if let known = decodedPositions[vault] { return known }
        let list = storedPositions(of: vault)
        decodedPositions[vault] = list
        return list
    }

    /// From the vault's kept positions if there are any; else one read (a liquidation or
    /// deleveraging touches many vaults' positions once).
    public func position(_ vault: VaultID, _ market: UInt32) -> Position? {
        guard let known = decodedPositions[vault] else { return storedPosition(vault, market) }
        return known.first { $0.market == market }?.position
    }

    // Called by the typed writes (putAccount, putVault, putPosition) after they wrote the bytes.
    func remember(_ account: Account, of address: Address) { decodedAccounts[address] = .some(account) }
    func remember(_ vault: Vault, of id: VaultID) { decodedVaults[id] = .some(vault) }
    func remember(_ positions: [(market: UInt32, position: Position)], of vault: VaultID) { decodedPositions[vault] = positions }
    func keptPositions(of vault: VaultID) -> [(market: UInt32, position: Position)]? { decodedPositions[vault] }

    /// Forgets the decoded record `k` holds, if any: markets, oracle markets and assets are keyed
    /// by a u32 id, big-endian; settings by their fixed key; accounts by the address, vaults by
    /// the vault key and positions by the vault key and the market.
    private func forgetDecoded(_ k: StateKey) {
        decodedSingletons.forget(k)
        switch k.table {
        case .accounts:
            guard k.key.count == 32 else { return forgetAllDecoded() }
            decodedAccounts[Address(Bytes32(k.key)!)] = nil
        case .vaults, .positions:
            guard let vault = VaultID(key: k.key) else { return forgetAllDecoded() }
            if k.table == .vaults { decodedVaults[vault] = nil } else { decodedPositions[vault] = nil }
        case .perpMarkets, .oraclePrices, .assets:
            guard k.key.count == 4 else { return forgetAllDecoded() }
            let id = BigEndianKey.readU32(k.key, at: 0)
            switch k.table {
            case .perpMarkets: decodedPerpMarkets[id] = nil
            case .oraclePrices: decodedOracleMarkets[id] = nil
            default: decodedAssets[id] = nil
            }
        default:
            return
        }
    }

    private func forgetAllDecoded() {
        decodedPerpMarkets.removeAll()
        decodedOracleMarkets.removeAll()
        decodedAssets.removeAll()
        decodedSingletons.forgetAll()
        decodedAccounts.removeAll()
        decodedVaults.removeAll()
        decodedPositions.removeAll()
    }

    // MARK: Scans

    /// The base's entries merged with this overlay's writes, in key order: a written value
    /// replaces the base's, a deletion hides it, a new key appears in its place.
    public func scan(_ table: StateTable, prefix: [UInt8], from start: [UInt8]?, _ visit: ([UInt8], [UInt8]) -> Bool) {
        let first = start.map { $0.lexicographicallyPrecedes(prefix) ? prefix : $0 } ?? prefix
        let keys = presentKeys[table] ?? SortedKeys()
        let deleted = deletedKeys[table] ?? []
        var i = keys.cursor(notBelow: first)
        var stopped = false
        /// The overlay's value of a listed key (listed keys are written with a value).
        func overlayValue(_ key: [UInt8]) -> [UInt8] { entries[StateKey(table, key)]!.current! }
        base.scan(table, prefix: prefix, from: first) { baseKey, baseValue in
            while let key = keys.key(at: i), SortedKeys.less(key, baseKey) {
                i = keys.next(i)
                guard key.starts(with: prefix) else { continue }
                if !visit(key, overlayValue(key)) { stopped = true; return false }
            }
            if let key = keys.key(at: i), key == baseKey {
                i = keys.next(i)
                if !visit(baseKey, overlayValue(baseKey)) { stopped = true; return false }
                return true
            }
            if !deleted.isEmpty, deleted.contains(baseKey) { return true }
            if !visit(baseKey, baseValue) { stopped = true; return false }
            return true
        }
        guard !stopped else { return }
        while let key = keys.key(at: i) {
            i = keys.next(i)
            guard key.starts(with: prefix) else {
                if prefix.lexicographicallyPrecedes(key) { break } else { continue }
            }
            if !visit(key, overlayValue(key)) { return }
        }
    }

    // MARK: Transactions

    /// Starts recording writes so `rollback()` can undo them. Transactions do not nest.
    public func begin() {
        precondition(journal == nil, "state transactions do not nest")
        journal = []
    }

    /// Keeps the writes since `begin()`.
    public func commit() {
        journal = nil
    }

    /// Undoes every write since `begin()`.
    public func rollback() {
        guard let undo = journal else { preconditionFailure("rollback without begin") }
        for (k, previous) in undo.reversed() { entries[k] = previous }
        for (k, _) in undo { relist(k, entries[k]) }
        forgetAllDecoded()
        journal = nil
    }

    // MARK: Results

    /// Every entry written with a value different from the base's, sorted by (table, key).
    public func changes() -> [StateChange] {
        var out = [StateChange]()
        for (k, e) in entries where e.written && e.current != e.original {
            out.append(StateChange(key: k, old: e.original, new: e.current))
        }
        out.sort { $0.key < $1.key }
        return out
    }

    /// Number of entries held (read or written).
    public var entryCount: Int { entries.count }

    /// Moves the overlay onto `newBase`, keeping its writes and dropping its cached reads. Correct
    /// only when `newBase` equals the old base plus writes this overlay already holds (the
    /// mempool's case after a block made of transactions it had admitted; see Mempool).
    public func rebase(onto newBase: any StateReader) {
        precondition(journal == nil, "rebase inside a transaction")
        base = newBase
        // Only writes stay. The new base may hold any key written here (one this overlay created
        // is now in it): a deletion, now or later, is hidden from scans.
        var kept = [StateKey: Entry](minimumCapacity: entries.count)
        for (k, var e) in entries where e.written {
            if e.current == nil, !e.baseMayHold { deletedKeys[k.table, default: []].insert(k.key) }
            e.baseMayHold = true
            kept[k] = e
        }
        entries = kept
        forgetAllDecoded()
    }
}
