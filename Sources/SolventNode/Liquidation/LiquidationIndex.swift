import HeapModule
import SolventCore
import SolventCrypto
import Synchronization

/// The node's index of liquidatable vaults (contracts-spec/liquidation.md, "Finding liquidatable
/// vaults"). Every vault with a position has price bands (`RiskBands`); per oracle market, two
/// heaps hold the band ends: the highest "low" end on top of one, the lowest "high" end on top
/// of the other. When a block moves a price, only the vaults whose band that price left come off
/// the heaps and are revalued; so are the vaults the block changed and, after funding or a
/// change of market parameters, the market's holders; after a dynamic haircut moves, the vaults
/// holding that asset, and so after a yield asset's new checkpoint; a liquidatable vault holding a
/// yield asset is due again at the next block (after a change of an asset or of the portfolio
/// settings, every vault). A liquidatable vault's band is the single price it was
/// valued at, so any move of a price it depends on has it revalued, and nothing else does: a
/// block that changes no price, no vault and no parameter revalues nothing.
/// A vault holding options is also due again by block time alone: its valuation sets a deadline
/// (`TimeHorizon`; the next block for a liquidatable one) kept in a third heap, and a block at or
/// after it has the vault revalued. Revaluing is exact (the margin rules at the latest prices and
/// the block's time), so the liquidatable set is exact as of the last block.
///
/// Heap entries are never removed in place: a revalued vault gets a new version, and entries of
/// an old version are dropped when they reach the top (or when the heaps are compacted).
public final class LiquidationIndex: Sendable {
    /// Opens a consistent read view of the committed state (one per worker when revaluing in parallel).
    public typealias StateSource = @Sendable () throws -> any StateReader

    struct Trigger: Comparable {
        let price: UInt64
        let slot: Int32
        let version: UInt32
        static func < (a: Trigger, b: Trigger) -> Bool { a.price != b.price ? a.price < b.price : a.slot < b.slot }
    }

    /// When a vault must be revalued although no price moved (its options decay).
    struct Due: Comparable {
        let time: UInt64
        let slot: Int32
        let version: UInt32
        static func < (a: Due, b: Due) -> Bool { a.time != b.time ? a.time < b.time : a.slot < b.slot }
    }

    /// What the index keeps per vault: no object of its own (the band ends live only in the
    /// heaps), so a million vaults cost a few flat arrays.
    struct Tracked {
        var version: UInt32
        /// Oracle markets the vault has a band on (two heap entries each).
        var bandCount: UInt32
        var excess: Int128
        /// The time deadline, for a vault that holds options (the next block when liquidatable).
        var due: UInt64?
    }

    struct Book {
        var slots: [VaultID: Int32] = [:]
        var ids: [VaultID] = []
        var tracked: [Tracked?] = []
        var versions: [UInt32] = []
        /// Per oracle market: band low ends (a max-heap use) and high ends (a min-heap use).
        var lows: [UInt32: Heap<Trigger>] = [:]
        var highs: [UInt32: Heap<Trigger>] = [:]
        /// Time deadlines, the earliest on top.
        var dues = Heap<Due>()
        var liquidatable: Set<Int32> = []
        /// Vaults with positions whose bands could not be computed (a price missing): revalued
        /// whenever a price or a parameter changes.
        var unpriced: Set<Int32> = []
        /// Per collateral asset, the tracked vaults that held it when last valued (a superset: a
        /// vault that no longer holds it leaves when the asset's haircut next moves).
        var holders: [AssetID: Set<Int32>] = [:]
        /// The price each oracle market had when the index last saw it.
        var prices: [UInt32: UInt64] = [:]
        /// Entries of current versions: two per band of every tracked vault (popped entries
        /// belong to vaults revalued in the same update).
        var liveTriggers = 0
        /// Entries of `dues` of current versions.
        var liveDues = 0
        /// Slots with a tracked vault (kept as a count: the stats are read on every query).
        var trackedCount = 0
        var height: UInt64 = 0
        /// The liquidatable set in keeper order, sorted when first asked for after a change.
        struct Order {
            let steady: [(excess: Int128, slot: Int32)]
            let timed: [Int32]
        }
        var order: Order?
        var lastUpdate = UpdateStats(nanoseconds: 0, movedMarkets: 0, leftBands: 0, timeDue: 0, revalued: 0)

        mutating func slot(_ v: VaultID) -> Int32 {
            if let s = slots[v] { return s }
            let s = Int32(ids.count)
            slots[v] = s
            ids.append(v)
            tracked.append(nil)
            versions.append(0)
            return s
        }

        func isCurrent(_ t: Trigger) -> Bool { tracked[Int(t.slot)]?.version == t.version }
        func isCurrent(_ d: Due) -> Bool { tracked[Int(d.slot)]?.version == d.version }

        var heapEntries: Int { lows.values.reduce(0) { $0 + $1.count } + highs.values.reduce(0) { $0 + $1.count } }
    }

    /// One revaluation result.
    struct Valuation: Sendable {
        let vault: VaultID
        /// nil: no positions (untracked) or, with `unpriced`, a missing price.
        let bands: RiskBands?
        /// When time alone may have moved the vault enough to look again (nil: it cannot).
        var due: UInt64? = nil
        let unpriced: Bool
        /// The collateral assets it holds, for revaluing it when one's haircut moves.
        var collateral: [AssetID] = []
    }

    public struct Stats: Sendable {
        public let height: UInt64
        public let tracked: Int
        public let liquidatable: Int
        public let heapEntries: Int
        /// Entries of the time heap, old versions included until they are dropped.
        public let timeQueue: Int
        public let lastUpdate: UpdateStats
    }

    /// What the last `update` did and how long it took.
    public struct UpdateStats: Sendable {
        public let nanoseconds: UInt64
        /// Oracle markets whose price moved.
        public let movedMarkets: Int
        /// Vaults whose band a moved price left.
        public let leftBands: Int
        /// Vaults whose time deadline the block's time reached.
        public let timeDue: Int
        /// Vaults revalued in all (those, the changed ones and, after a move, the unpriced ones).
        public let revalued: Int
    }

    /// Read by the queries (LiquidationIndexQueries.swift) under the same lock.
    let book = Mutex(Book())
    private let source: StateSource
    /// The longest a vault holding options waits for its time deadline, whatever its margin.
    let timeBucketMs: UInt64

    /// Stale heap entries tolerated beyond the live ones before the heaps are rebuilt.
    let compactionSlack: Int

    /// `timeBucketMs`: the bucket width of liquidation.md, "Time" (an hour of block time).
    /// `compactionSlack`: 0 rebuilds the heaps whenever stale entries outnumber live ones (tests).
    public init(source: @escaping StateSource, timeBucketMs: UInt64 = 3_600_000, compactionSlack: Int = 4_096) {
        self.source = source
        self.timeBucketMs = max(timeBucketMs, 1)
        self.compactionSlack = max(compactionSlack, 0)
    }

    // MARK: Building and updating

    /// Values every vault with a position (at startup), at the time of the block at `height`.
    public func rebuild(height: UInt64, timeMs: UInt64) throws {
        let started = ContinuousClock.now
        let state = try source()
        let vaults = state.vaultsWithPositions()
        var prices = [UInt32: UInt64]()
        state.scan(.oraclePrices, prefix: [], from: nil) { key, _ in
            if let id = BigEndianKey.id(key), let m = state.oracleMarket(id) { prices[id] = m.price }
            return true
        }
        let valued = try value(vaults, at: timeMs)
        book.withLock { b in
            b = Book()
            b.prices = prices
            b.height = height
            apply(valued, to: &b)
            b.lastUpdate = UpdateStats(nanoseconds: Self.nanoseconds(since: started), movedMarkets: 0, leftBands: 0, timeDue: 0, revalued: valued.count)
        }
    }

    /// Brings the index up to the state after a block, given the block's changes and its time.
    public func update(changes: [StateChange], height: UInt64, timeMs: UInt64) throws {
        let started = ContinuousClock.now
        let state = try source()
        // Gathered with repeats, then sorted once and deduplicated: a Set of the tens of thousands
        // of vaults a large move rechecks was a sixth of the update, hashing every vault key.
        var changed = [VaultID]()
        var oracleMarkets = [UInt32]()
        // What the margin rules read (Margin.risk): the vault, its positions, the prices, the
        // markets' funding index and parameters, the assets and the portfolio settings. Every
        // other write leaves every vault's margin as it was.
        var everyVault = false
        // Assets whose holders' collateral value changed without a price move.
        var revaluedAssets = [AssetID]()
        for c in changes {
            switch c.key.table {
            case .vaults, .positions:
                if let v = VaultID(key: c.key.key) { changed.append(v) }
            case .oraclePrices:
                if let id = BigEndianKey.id(c.key.key) { oracleMarkets.append(id) }
            case .perpMarkets:
                // Funding (the index) or new parameters revalue every holder; open interest and
                // the rest do not change any vault's maintenance requirement (open-interest caps
                // scale only the initial one, which the index never looks at).
                guard let new = c.new, let id = BigEndianKey.id(c.key.key),
                      let after = try? PerpMarket.decode(id: id, new) else { continue }
                let before = c.old.flatMap { try? PerpMarket.decode(id: id, $0) }
                if before?.fundingIndex != after.fundingIndex || before?.params != after.params {
                    for long in [true, false] {
                        changed.append(contentsOf: MarketPositions.vaults(market: id, long: long, state: state))
                    }
                }
            case .assets:
                everyVault = true
            case .protocolAccounts where c.key == PortfolioSettings.stateKey || c.key == VolSurfaces.stateKey:
                // New portfolio settings, or a new volatility surface (every option re-marked).
                everyVault = true
            case .protocolAccounts where c.key == DynamicHaircuts.stateKey:
                // A haircut that moved revalues the vaults holding that asset (haircuts.md).
                revaluedAssets += Self.movedHaircuts(old: c.old, new: c.new)
            case .protocolAccounts where c.key == YieldAssets.stateKey:
                // A new checkpoint (a write-down, a new rate) revalues the holders (yield-assets.md).
                revaluedAssets += Self.changedYields(old: c.old, new: c.new)
            default:
                continue
            }
        }
        var moved = [UInt32: UInt64]()
        for id in oracleMarkets {
            if let m = state.oracleMarket(id) { moved[id] = m.price }
        }
        // Take the vaults whose bands the new prices leave off the heaps.
        var movedCount = 0, leftCount = 0, dueCount = 0
        let recheck: [VaultID] = book.withLock { b in
            var slots = Set<Int32>()
            for (market, price) in moved where b.prices[market] != price {
                movedCount += 1
                b.prices[market] = price
                // Taken out of the dictionary while popping, so the heap is not copied.
                if var lows = b.lows.removeValue(forKey: market) {
                    while let top = lows.max, top.price >= price {
                        _ = lows.popMax()
                        if b.isCurrent(top) { slots.insert(top.slot) }
                    }
                    b.lows[market] = lows
                }
                if var highs = b.highs.removeValue(forKey: market) {
                    while let top = highs.min, top.price <= price {
                        _ = highs.popMin()
                        if b.isCurrent(top) { slots.insert(top.slot) }
                    }
                    b.highs[market] = highs
                }
            }
            leftCount = slots.count
            // The vaults whose time deadline this block reached.
            while let top = b.dues.min, top.time <= timeMs {
                _ = b.dues.popMin()
                if b.isCurrent(top) {
                    slots.insert(top.slot)
                    dueCount += 1
                }
            }
            // A vault missing a price can only be valued once a price (or a parameter) changes.
            if movedCount > 0 || everyVault { slots.formUnion(b.unpriced) }
            if everyVault {
                for (i, t) in b.tracked.enumerated() where t != nil { slots.insert(Int32(i)) }
            }
            for asset in revaluedAssets {
                if let holding = b.holders.removeValue(forKey: asset) { slots.formUnion(holding) }
            }
            return slots.map { b.ids[Int($0)] }
        }
        changed.append(contentsOf: recheck)
        changed.sort()
        var unique = [VaultID]()
        unique.reserveCapacity(changed.count)
        for v in changed where unique.last != v { unique.append(v) }
        let valued = try value(unique, at: timeMs)
        book.withLock { b in
            b.height = height
            apply(valued, to: &b)
            b.lastUpdate = UpdateStats(nanoseconds: Self.nanoseconds(since: started), movedMarkets: movedCount, leftBands: leftCount,
                                       timeDue: dueCount, revalued: valued.count)
        }
    }

    static func nanoseconds(since start: ContinuousClock.Instant) -> UInt64 {
        let d = ContinuousClock.now - start
        return UInt64(d.components.seconds) * 1_000_000_000 + UInt64(d.components.attoseconds / 1_000_000_000)
    }

    /// Revalues `vaults` at block time `time`, across cores when there are many (each worker
    /// with its own read view).
    func value(_ vaults: [VaultID], at time: UInt64) throws -> [Valuation] {
        let workers = vaults.count >= 4_096 ? Parallel.coreCount : 1
        let bucket = timeBucketMs
        // Each worker reads its own snapshot, with the market and oracle records decoded once.
        if workers == 1 {
            let state = DecodedRecords(try source())
            return vaults.map { Self.valuation(of: $0, state: state, at: time, bucket: bucket) }
        }
        let source = self.source
        let chunks = Parallel.map(count: workers, minimumPerChunk: 1) { w -> Result<[Valuation], any Error> in
            Result {
                let state = DecodedRecords(try source())
                let range = (w * vaults.count / workers)..<((w + 1) * vaults.count / workers)
                return vaults[range].map { Self.valuation(of: $0, state: state, at: time, bucket: bucket) }
            }
        }
        return try chunks.flatMap { try $0.get() }
    }

    /// The end of the vault's own bucket after `time`: the first time after it that is its phase
    /// modulo the width, the phase a hash of the vault's key (FNV-1a), so that vaults valued in
    /// the same block come due spread over a whole bucket rather than all at once.
    static func bucketEnd(_ vault: VaultID, after time: UInt64, width: UInt64) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in vault.key {
            hash = (hash ^ UInt64(byte)) &* 0x0100_0000_01b3
        }
        let phase = hash % width
        let into = (time % width + width - phase) % width
        return time + (width - into)
    }

    private func apply(_ valued: [Valuation], to b: inout Book) {
        if !valued.isEmpty { b.order = nil }
        for v in valued {
            let slot = b.slot(v.vault)
            let i = Int(slot)
            if let old = b.tracked[i] {
                b.trackedCount -= 1
                b.liveTriggers -= 2 * Int(old.bandCount)
                if old.due != nil { b.liveDues -= 1 }
            }
            b.liquidatable.remove(slot)
            b.unpriced.remove(slot)
            b.versions[i] &+= 1
            guard let bands = v.bands else {
                b.tracked[i] = nil
                if v.unpriced { b.unpriced.insert(slot) }
                continue
            }
            b.tracked[i] = Tracked(version: b.versions[i], bandCount: UInt32(bands.bands.count), excess: bands.excess, due: v.due)
            for asset in v.collateral { b.holders[asset, default: []].insert(slot) }
            b.trackedCount += 1
            if bands.liquidatable { b.liquidatable.insert(slot) }
            if let due = v.due {
                b.dues.insert(Due(time: due, slot: slot, version: b.versions[i]))
                b.liveDues += 1
            }
            for band in bands.bands {
                b.lows[band.oracleMarket, default: Heap()].insert(Trigger(price: band.low, slot: slot, version: b.versions[i]))
                b.highs[band.oracleMarket, default: Heap()].insert(Trigger(price: band.high, slot: slot, version: b.versions[i]))
                b.liveTriggers += 2
            }
        }
        // Drop stale entries once they outnumber the live ones.
        if b.heapEntries > 2 * b.liveTriggers + compactionSlack || b.dues.count > 2 * b.liveDues + compactionSlack { compact(&b) }
    }

    /// Rebuilds the heaps from their entries of current versions.
    private func compact(_ b: inout Book) {
        let book = b
        var live = 0
        func current(_ heaps: [UInt32: Heap<Trigger>]) -> [UInt32: Heap<Trigger>] {
            heaps.mapValues { heap in
                let kept = heap.unordered.filter { book.isCurrent($0) }
                live += kept.count
                return Heap(kept)
            }
        }
        b.lows = current(book.lows)
        b.highs = current(book.highs)
        let dues = book.dues.unordered.filter { book.isCurrent($0) }
        b.liveTriggers = live
        b.dues = Heap(dues)
        b.liveDues = dues.count
    }
}
