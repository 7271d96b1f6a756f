import SolventCore

/// What the node asks its liquidation index (liquidation.md, "The node's index" and "Queries").
extension LiquidationIndex {
    /// The vaults liquidatable at the latest prices as of the last block, in vault key order.
    public func liquidatable() -> [VaultID] {
        book.withLock { b in b.liquidatable.map { b.ids[Int($0)] } }.sorted()
    }

    /// The liquidatable vaults as of the last block, ranked from the excess the index stores
    /// (liquidation.md, "Queries"): what `GET /v1/liquidatable` lists without valuing every one.
    public struct Ranking: Sendable {
        /// The block the index was last brought up to.
        public let height: UInt64
        /// Liquidatable vaults whose margin block time cannot move (no options), largest
        /// shortfall first, ties in vault key order, with their excess (equity − maintenance,
        /// negative): the first `limit` of them, or all without a limit.
        public let steady: [(vault: VaultID, excess: Int128)]
        /// How many such vaults there are in all.
        public let steadyCount: Int
        /// Liquidatable vaults holding options, whose margin moves with block time (to be valued
        /// again at the query's time), in vault key order.
        public let timed: [VaultID]
    }

    /// The ranking, with the first `limit` steady vaults (nil: all of them). The order is sorted
    /// once after each update that valued a vault, on the first query that needs it (not on the
    /// block's path); every later query until the next such update reads a prefix of it.
    public func ranking(limit: Int?) -> Ranking {
        book.withLock { b in
            let order = b.order ?? Self.order(of: b)
            b.order = order
            let steady = (limit.map { order.steady.prefix(max($0, 0)) } ?? order.steady[...]).map { (vault: b.ids[Int($0.slot)], excess: $0.excess) }
            return Ranking(height: b.height, steady: steady, steadyCount: order.steady.count, timed: order.timed.map { b.ids[Int($0)] })
        }
    }

    /// The liquidatable vaults in keeper order: steady ones by excess, ties in vault key order,
    /// and the time-dependent ones in vault key order.
    private static func order(of b: Book) -> Book.Order {
        var steady = [(excess: Int128, slot: Int32)]()
        var timed = [Int32]()
        for slot in b.liquidatable {
            guard let t = b.tracked[Int(slot)] else { continue }
            if t.due != nil { timed.append(slot) } else { steady.append((t.excess, slot)) }
        }
        steady.sort { x, y in x.excess != y.excess ? x.excess < y.excess : b.ids[Int(x.slot)] < b.ids[Int(y.slot)] }
        timed.sort { b.ids[Int($0)] < b.ids[Int($1)] }
        return Book.Order(steady: steady, timed: timed)
    }

    /// Every vault that could be liquidatable if the given oracle markets moved to the given
    /// prices: those whose band a new price leaves, the liquidatable ones and the unpriced ones.
    public func candidates(if prices: [UInt32: UInt64]) -> [VaultID] {
        book.withLock { b in
            var slots = b.liquidatable.union(b.unpriced)
            for (market, price) in prices {
                for t in b.lows[market]?.unordered ?? [] where t.price >= price && b.isCurrent(t) { slots.insert(t.slot) }
                for t in b.highs[market]?.unordered ?? [] where t.price <= price && b.isCurrent(t) { slots.insert(t.slot) }
            }
            return slots.map { b.ids[Int($0)] }
        }.sorted()
    }

    public var stats: Stats {
        book.withLock { b in
            Stats(height: b.height, tracked: b.trackedCount, liquidatable: b.liquidatable.count,
                  heapEntries: b.heapEntries, timeQueue: b.dues.count, lastUpdate: b.lastUpdate)
        }
    }
}
