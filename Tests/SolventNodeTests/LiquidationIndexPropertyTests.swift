import Foundation
import HummingbirdTesting
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventEngine
@testable import SolventNode
import SolventTestSupport
import Testing

/// The liquidation index against a full recomputation (liquidation.md, "The node's index"): a
/// seeded random walk of blocks (price moves up and down, trades on perpetuals, a dated future
/// and BTC options, by cross and portfolio vaults, deposits and withdrawals, time jumps that apply funding, tier changes, liquidations,
/// empty blocks, snapshots and reverts), and after every block the index's liquidatable set must
/// be exactly the vaults the margin rules call liquidatable, and `GET /v1/liquidatable` (ranked
/// from the index) must give the count and order a valuation of every vault gives.
@Suite(.serialized) struct LiquidationIndexPropertyTests {
    static let traders = (0..<8).map { DevnetKeys.account($0) }
    /// Traders whose vault 0 is a portfolio vault.
    static let portfolio = Set([6, 7].map { Address(DevnetKeys.account($0).publicKey) })
    static let keeper = DevnetKeys.account(9)
    /// BTC-PERP, ETH-PERP, the dated BTC future and the 60,000 BTC call and put: (market, oracle
    /// market, tick, step).
    static let markets: [(id: UInt32, oracle: UInt32, tick: UInt64, step: UInt64)] = [
        (1, 1, OraclePrice.one, 10_000), (2, 2, OraclePrice.one / 100, 100_000), (4, 1, OraclePrice.one, 10_000),
        (6, 1, OraclePrice.one, 10_000), (7, 1, OraclePrice.one, 10_000),
    ]
    static let oracleSymbols: [UInt32: String] = [1: "BTC-USD", 2: "ETH-USD", 4: "BTC-IV"]

    /// One random walk's bookkeeping: nonces of transactions admitted into the block being built,
    /// and what the walk has seen (so a run that never made a vault liquidatable fails).
    final class Walk {
        let node: Node
        let client: any TestClientProtocol
        var rng: SplitMix64
        var pending: [Address: UInt64] = [:]
        var blocks = 0
        var liquidatableSeen = 0
        var liquidations = 0
        var emptyBlocksChecked = 0
        /// Answers checked where more vaults without options were liquidatable than the limit let through.
        var rankedBeyondLimit = 0
        var snapshot: String?
        var trendPpm: Int64 = 0
        /// Tier changes after which the liquidatable set differed.
        var tierFlips = 0
        /// Blocks after which a vault holding options was liquidatable.
        var timedSeen = 0
        /// Times the admin set BTC's haircut rule and BTC-IV moved.
        var haircutMoves = 0

        /// A second index fed the committed blocks from the node's bus, compacting its heaps
        /// whenever stale entries outnumber live ones (the node's tolerates 4,096 more).
        let shadow: LiquidationIndex
        var committed: AsyncStream<CommittedBlock>.AsyncIterator
        var compactions = 0

        init(node: Node, client: any TestClientProtocol, seed: UInt64) throws {
            self.node = node
            self.client = client
            rng = SplitMix64(seed: seed)
            shadow = LiquidationIndex(source: { try node.store.snapshot() }, compactionSlack: 0)
            committed = node.bus.subscribe().messages.makeAsyncIterator()
            try shadow.rebuild(height: node.latestHead.height, timeMs: node.latestHead.timeMs)
        }

        /// Signs `action` with the next nonce (committed nonce plus this block's admitted ones).
        @discardableResult
        func send(_ key: PrivateKey, _ action: TxAction) async throws -> Bool {
            let address = Address(key.publicKey)
            let committed = try node.store.withState { state, _ in state.account(address)?.nonce ?? 0 }
            let tx = NodeFixtures.tx(key, nonce: committed + pending[address, default: 0], action)
            let reply = try await client.submit(tx)
            guard reply.status == 202 || reply.status == 200 else { return false }
            pending[address, default: 0] += 1
            return true
        }

        func override(_ oracle: UInt32, _ price: UInt64) async throws {
            let symbol = LiquidationIndexPropertyTests.oracleSymbols[oracle]!
            let r = try await client.call(.post, "/v1/devnet/oracle", body: "{\"market\": \"\(symbol)\", \"price\": \"\(OraclePrice.format(price))\"}")
            #expect(r.status == 200, "\(r.json)")
        }

        func price(_ oracle: UInt32) throws -> UInt64 {
            try node.store.withState { state, _ in state.oracleMarket(oracle)?.price ?? 0 }
        }

        func mine() async throws {
            _ = try await client.mine()
            pending = [:]
            blocks += 1
            try await sync()
        }

        /// Feeds the shadow index every block committed since it last looked (an oracle
        /// override commits one of its own).
        func sync() async throws {
            while shadow.stats.height < node.latestHead.height {
                let block = try #require(await committed.next(), "the bus ended")
                let before = shadow.stats.heapEntries
                try shadow.update(changes: block.changes, height: block.height, timeMs: block.block.header.timeMs)
                if shadow.stats.heapEntries < before { compactions += 1 }
            }
        }

        func uniform(_ range: ClosedRange<UInt64>) -> UInt64 { range.lowerBound + rng.next() % (range.upperBound - range.lowerBound + 1) }
    }

    @Test(arguments: [UInt64(31_337), 8])
    func theIndexAgreesWithAFullRecomputationAfterEveryBlock(seed: UInt64) async throws {
        try await NodeFixtures.withNode { node, client in
            let walk = try Walk(node: node, client: client, seed: seed)
            try await walk.override(1, 60_000 * OraclePrice.one)
            try await walk.override(2, 3_000 * OraclePrice.one)
            try await walk.override(4, 60 * OraclePrice.one / 100)
            for key in Self.traders where Self.portfolio.contains(Address(key.publicKey)) {
                try await walk.send(key, .vaultOpen(vault: 0, mode: .portfolio))
            }
            for (i, key) in Self.traders.enumerated() {
                try await walk.send(key, .deposit(vault: 0, asset: 0, amount: UInt128(walk.uniform(2_000...20_000)) * 1_000_000))
                // Half the traders also hold BTC as collateral, whose haircut `moveHaircut` moves;
                // the others SUSDC, whose rate accrues every block and which `moveHaircut` writes down.
                if i % 2 == 0 { try await walk.send(key, .deposit(vault: 0, asset: 1, amount: UInt128(walk.uniform(1_000_000...10_000_000)))) }
                if i % 2 == 1 { try await walk.send(key, .deposit(vault: 0, asset: 3, amount: UInt128(walk.uniform(500...5_000)) * 1_000_000)) }
            }
            try await walk.send(Self.keeper, .deposit(vault: 0, asset: 0, amount: 500_000_000_000))
            try await walk.mine()
            try await check(walk)

            for step in 0..<140 {
                // Prices trend down, then up, then down again, in phases of 30 steps: crashes
                // and rallies leave several vaults on one side liquidatable at once.
                walk.trendPpm = (step / 30) % 2 == 0 ? -25_000 : 25_000
                switch walk.rng.below(21) {
                case 0..<6: try await trade(walk)
                case 6..<9: try await movePrice(walk)
                case 9..<11: try await liquidate(walk)
                case 11: try await moveTime(walk)
                case 12..<14: try await changeTiers(walk)
                case 14: try await transfer(walk)
                case 15: try await snapshotOrRevert(walk)
                case 16: try await movePrice(walk, crash: true)
                case 20: try await moveHaircut(walk)
                default: try await emptyBlock(walk)
                }
            }
            print("seed \(seed): \(walk.blocks) blocks, liquidatable in \(walk.liquidatableSeen), \(walk.liquidations) liquidations, \(walk.emptyBlocksChecked) empty checked, \(walk.rankedBeyondLimit) cut, \(walk.timedSeen) with options, \(walk.tierFlips) tier flips, \(walk.compactions) compactions, \(walk.haircutMoves) haircut rules")
            // A walk that never made a vault liquidatable, never liquidated and never met an
            // empty block with liquidatable vaults would check nothing that matters.
            #expect(walk.liquidatableSeen >= 10, "seed \(seed): liquidatable vaults in only \(walk.liquidatableSeen) blocks")
            #expect(walk.liquidations >= 1, "seed \(seed): no liquidation")
            #expect(walk.compactions >= 10, "seed \(seed): the compacting index compacted only \(walk.compactions) times")
            #expect(walk.timedSeen >= 5, "seed \(seed): a vault holding options liquidatable in only \(walk.timedSeen) blocks")
            #expect(walk.rankedBeyondLimit >= 10, "seed \(seed): only \(walk.rankedBeyondLimit) answers cut by their limit")
            #expect(walk.emptyBlocksChecked >= 3, "seed \(seed): only \(walk.emptyBlocksChecked) empty blocks with liquidatable vaults")
            #expect(walk.haircutMoves >= 2, "seed \(seed): BTC's haircut rule set only \(walk.haircutMoves) times")
        }
    }

    /// A maker rests an order at the oracle price (prices refreshed in the same block), a taker
    /// crosses it in the next; sizes up to about 15 times the maker's and taker's deposits.
    func trade(_ walk: Walk) async throws {
        // Half the trades are in the options, between dev5 to dev7 only: their vaults' margin
        // moves with time, the others' does not, and both kinds become liquidatable.
        let options = walk.rng.below(2) == 0
        let market = options ? Self.markets[3 + walk.rng.below(2)] : Self.markets[walk.rng.below(3)]
        let pool = options ? Array(Self.traders[5...]) : Self.traders
        let maker = pool[walk.rng.below(pool.count)]
        var taker = pool[walk.rng.below(pool.count)]
        if taker.publicKey == maker.publicKey { taker = Self.keeper }
        let underlying = try walk.price(market.oracle)
        // An option trades at its mark (Black-Scholes at the volatility feed and the next block's time).
        let mark = try walk.node.store.withState { state, _ in
            state.perpMarket(market.id).map { m in
                m.params.instrument.isOption
                    ? Margin.optionMark(m.params, underlying: underlying, vol: state.oracleMarket(4)?.price ?? 0,
                                        at: walk.node.nextBlockContext().timeMs).price
                    : underlying
            } ?? 0
        }
        let price = mark / market.tick * market.tick
        guard price > 0 else { return }
        // Sized to use most of the smaller free collateral at up to 18 times leverage.
        let free = try walk.node.store.withState { state, head in
            [maker, taker].map { key -> Int128 in
                let risk = try? Margin.risk(of: VaultID(owner: Address(key.publicKey), number: 0), state: state, at: head.timeMs, prices: .latest)
                return risk.map { $0.equity - Int128($0.initial) } ?? 0
            }.min() ?? 0
        }
        guard free > 1_000_000 else { return }
        let notional = UInt128(free) * UInt128(walk.uniform(3...18))   // USDC quantums
        let size = UInt64(notional * PerpUnits.notionalDivisor / UInt128(underlying)) / market.step * market.step
        guard size > 0 else { return }
        let side: Side = walk.rng.below(2) == 0 ? .buy : .sell
        for oracle in [UInt32(1), 2, 4] { try await walk.override(oracle, try walk.price(oracle)) }
        let rest = OrderRequest(vault: 0, market: market.id, side: side, kind: .limit, timeInForce: .goodTillCancelled,
                                reduceOnly: false, size: size, price: price)
        try await walk.send(maker, .orderPlace(rest))
        try await walk.mine()
        try await check(walk)
        let take = OrderRequest(vault: 0, market: market.id, side: side == .buy ? .sell : .buy, kind: .limit,
                                timeInForce: .immediateOrCancel, reduceOnly: false, size: size, price: price)
        try await walk.send(taker, .orderPlace(take))
        try await walk.mine()
        try await check(walk)
    }

    /// BTC, ETH or BTC's volatility moves by up to 5% either way around the trend (the override
    /// is not bound by the move cap).
    /// A crash (or a rally) moves BTC by 12% in the trend's direction.
    func movePrice(_ walk: Walk, crash: Bool = false) async throws {
        let oracle: UInt32 = crash ? 1 : [1, 1, 2, 4][walk.rng.below(4)]
        let ppm = crash ? walk.trendPpm / 25_000 * 120_000 : Int64(walk.uniform(0...100_000)) - 50_000 + walk.trendPpm
        let price = UInt64(Int64(try walk.price(oracle)) * (1_000_000 + ppm) / 1_000_000)
        try await walk.override(oracle, max(price, 1))
        try await walk.mine()
        try await check(walk)
    }

    /// The keeper liquidates a position of the vault with the largest shortfall, mostly once two
    /// are liquidatable (so that ranked answers are cut by their limits).
    func liquidate(_ walk: Walk) async throws {
        let patient = walk.rng.below(3) != 0
        let target = try walk.node.store.withState { state, head in
            let queue = RiskShock.liquidatable(Self.vaultsWithPositions(state), state: state, at: head.timeMs)
            return patient && queue.count < 2 ? nil : queue.first.map { entry in (entry.vault, state.positions(of: entry.vault).first?.market) }
        }
        if let (vault, market) = target, let market {
            for oracle in [UInt32(1), 2, 4] { try await walk.override(oracle, try walk.price(oracle)) }
            if try await walk.send(Self.keeper, .liquidate(owner: vault.owner, vault: vault.number, market: market, keeperVault: 0)) {
                walk.liquidations += 1
            }
        }
        try await walk.mine()
        try await check(walk)
    }

    /// Block time jumps from a second to four hours: funding is applied on the way. Asked before
    /// the block, the ranked answer values the vaults holding options at the next block's time,
    /// hours after the index's.
    func moveTime(_ walk: Walk) async throws {
        try NodeFixtures.advance(walk.node, ms: walk.uniform(1_000...4 * 3_600_000))
        try await check(walk)
        try await walk.mine()
        try await check(walk)
    }

    /// The admin moves a market's maintenance rates (each tier's initial rate kept above them).
    func changeTiers(_ walk: Walk) async throws {
        let id = Self.markets[walk.rng.below(3)].id
        guard var params = try walk.node.store.withState({ state, _ in state.perpMarket(id)?.params }) else { return }
        let step = UInt32(walk.uniform(5_000...45_000))
        let up = walk.rng.below(3) != 0   // mostly up: vaults cross into liquidation by parameters alone
        params.tiers = params.tiers.map { t in
            var t = t
            t.maintenancePpm = up ? min(t.maintenancePpm + step, t.initialPpm - 1_000) : max(t.maintenancePpm - min(step, t.maintenancePpm), 10_000)
            return t
        }
        let before = Set(walk.node.liquidationIndex.liquidatable())
        try await walk.send(DevnetKeys.admin(), .marketUpdate(params))
        try await walk.mine()
        if Set(walk.node.liquidationIndex.liquidatable()) != before { walk.tierFlips += 1 }
        try await check(walk)
    }

    /// The admin sets or changes BTC's dynamic haircut rule (haircuts.md) and BTC-IV moves: the
    /// haircut then moves for several blocks, and the index must revalue the vaults holding BTC.
    /// SUSDC gets a new rate and a write-down (yield-assets.md) at the same time.
    func moveHaircut(_ walk: Walk) async throws {
        let rule = DynamicHaircuts.Settings(asset: 1, volMarket: 4, windowMs: 0, scalePpm: UInt32(walk.uniform(100_000...900_000)), capPpm: 900_000,
                                            ratePpmPerHour: 1_000_000, stepPpm: UInt32(walk.uniform(5_000...100_000)))
        try await walk.send(DevnetKeys.admin(), .assetSetHaircutRule(rule))
        // SUSDC: a new annual rate (up to 100%, so accrual lifts liquidatable holders within a
        // few blocks) and a write-down of up to 20%.
        try await walk.send(DevnetKeys.admin(), .assetSetYield(asset: 3, aprPpm: UInt32(walk.uniform(0...1_000_000)),
                                                               writedownPpm: UInt32(walk.uniform(0...200_000))))
        try await walk.mine()
        try await check(walk)
        try await walk.override(4, walk.uniform(20...200) * OraclePrice.one / 100)
        try await check(walk)
        for _ in 0..<3 {
            try await walk.mine()
            try await check(walk)
        }
        walk.haircutMoves += 1
    }

    /// A deposit to, or a withdrawal from, a random trader's vault.
    func transfer(_ walk: Walk) async throws {
        let key = Self.traders[walk.rng.below(Self.traders.count)]
        let amount = UInt128(walk.uniform(100...5_000)) * 1_000_000
        if walk.rng.below(2) == 0 {
            try await walk.send(key, .deposit(vault: 0, asset: 0, amount: amount))
        } else {
            try await walk.send(key, .withdraw(vault: 0, asset: 0, amount: amount))
        }
        try await walk.mine()
        try await check(walk)
    }

    /// Takes a snapshot, or goes back to the one taken (the index is rebuilt from the state).
    func snapshotOrRevert(_ walk: Walk) async throws {
        if let id = walk.snapshot {
            let r = try await walk.client.call(.post, "/v1/devnet/revert", body: "{\"id\": \"\(id)\"}")
            #expect(r.status == 200, "\(r.json)")
            walk.snapshot = nil
            walk.pending = [:]
            try walk.shadow.rebuild(height: walk.node.latestHead.height, timeMs: walk.node.latestHead.timeMs)
        } else {
            let r = try await walk.client.call(.post, "/v1/devnet/snapshot")
            walk.snapshot = r["id"] as? String
        }
        try await check(walk)
    }

    /// A block with nothing in it: with no funding applied, the index values only the vaults
    /// whose time deadline the block reached (holding options), however many are liquidatable.
    func emptyBlock(_ walk: Walk) async throws {
        // Funding, or a dynamic haircut that moved, revalues holders; neither may have changed.
        let funding = { try walk.node.store.withState { state, _ in
            Self.markets.map { state.perpMarket($0.id)?.fundingIndex } + state.dynamicHaircuts().rules.map { Int128($0.haircutPpm) }
        } }
        let before = try funding()
        try await walk.mine()
        try await check(walk)
        let stats = walk.node.liquidationIndex.stats
        if try funding() == before, stats.liquidatable > 0 {
            #expect(stats.lastUpdate.revalued == stats.lastUpdate.timeDue,
                    "an empty block revalued \(stats.lastUpdate.revalued) vaults, \(stats.lastUpdate.timeDue) of them due")
            walk.emptyBlocksChecked += 1
        }
    }

    static func vaultsWithPositions(_ state: some StateReader) -> [VaultID] {
        var vaults = Set<VaultID>()
        state.scan(.positions, prefix: [], from: nil) { key, _ in
            if let v = VaultID(key: Array(key.prefix(36))) { vaults.insert(v) }
            return true
        }
        return vaults.sorted()
    }

    /// The index against the margin rules, and the ranked answer against a valuation of every vault.
    func check(_ walk: Walk) async throws {
        try await walk.sync()
        let node = walk.node
        let next = node.nextBlockContext()
        let (height, now, queue, byMarket) = try node.store.withState { state, head in
            let all = Self.vaultsWithPositions(state)
            let now = Set(all.filter { v in (try? Margin.risk(of: v, state: state, at: head.timeMs, prices: .latest))?.isLiquidatable == true })
            let queue = RiskShock.liquidatable(all, state: state, at: next.timeMs)
            return (head.height, now, queue, queue.filter { state.position($0.vault, 1) != nil })
        }
        let index = node.liquidationIndex
        #expect(index.stats.height == height)
        #expect(Set(index.liquidatable()) == now, "block \(height): index \(index.liquidatable()), margin rules \(now.sorted())")
        #expect(index.stats.liquidatable == now.count)
        #expect(Set(walk.shadow.liquidatable()) == now, "block \(height): the compacting index disagrees")
        #expect(walk.shadow.stats.liquidatable == index.stats.liquidatable && walk.shadow.stats.tracked == index.stats.tracked)
        if !now.isEmpty { walk.liquidatableSeen += 1 }
        if !index.ranking(limit: 0).timed.isEmpty { walk.timedSeen += 1 }

        // Answers cut by their limit among vaults whose order comes from the index alone.
        let steady = index.ranking(limit: nil).steadyCount
        for (limit, market, expected) in [(1, nil, queue), (3, nil, queue), (1, "BTC-PERP", byMarket)] as [(Int, String?, [RiskShock.Shortfall])] {
            if market == nil, steady > limit { walk.rankedBeyondLimit += 1 }
            let reply = try node.liquidatableReply(limit: limit, market: market == nil ? nil : 1)
            #expect(reply.count == expected.count, "block \(height) \(market ?? "all"): count \(reply.count), valued \(expected.count)")
            let listed = reply.vaults.map { "\($0.owner)/\($0.vault)" }
            let truth = expected.prefix(limit).map { "\($0.vault.owner.text)/\($0.vault.number)" }
            #expect(listed == truth, "block \(height) \(market ?? "all"): listed \(listed), valued \(truth)")
            #expect(zip(reply.vaults, expected).allSatisfy { $0.shortfall == PerpUnits.formatQuote($1.shortfall) })
        }
    }
}
