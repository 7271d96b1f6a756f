import Dispatch
import Foundation
import SolventClient
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventStore
import SolventWire

/// Time moving the liquidation index (liquidation.md, "Time"): N vaults holding BTC options are
/// written straight into a home's LMDB state, as in `LiquidationBench`: portfolio vaults long a
/// call or a put, portfolio vaults short a call hedged with the perpetual, cross vaults short a
/// call or a put, each with an excess of 5% to 200% of its maintenance requirement (one in fifty
/// within 1%). A real `solventd` then mines blocks one second of block time apart with no price
/// moving, and reports after each how many vaults its time deadline brought back and how long
/// the update took; then one price move revalues every option vault, which is what each block
/// would cost if time revalued every one of them.
enum TimeBench {
    struct Result {
        let vaults: Int
        let blocks: Int
        let startSeconds: Double
        let timeQueue: Int
        let dueP50: Int, dueP95: Int, dueMax: Int, dueMean: Double
        let revaluedMax: Int
        let updateP50Us: UInt64, updateP95Us: UInt64, updateMaxUs: UInt64
        let everyBlock: Int
        let moveRevalued: Int
        let moveUpdateMs: Double
    }

    static func run(vaults count: Int, blocks: Int, binary: String, home: String, port: Int) async throws -> Result {
        var genesis = MarketBench.genesis(accounts: [DevnetKeys.account(0)])
        genesis.perps.insuranceFund = "50000000"
        // The devnet controls sign the oracle override with the admin key: its account must exist.
        genesis.accounts.append(.init(name: "admin", address: Address(DevnetKeys.admin().publicKey).text, wallet: [.init(asset: "USDC", amount: "1000")]))
        let dir = home + "/time-\(count)"
        try Tools.initHome(binary, genesis: genesis, dir: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        do {
            let store = try ChainStore.open(directory: dir + "/node/data")
            let (markets, settings) = try store.withState { state, _ in
                ((1...9).compactMap { state.perpMarket($0) }, state.portfolioSettings())
            }
            func market(_ id: UInt32) -> PerpMarket { markets.first { $0.id == id }! }
            let spot: UInt64 = 60_000 * OraclePrice.one, vol: UInt64 = 60_000_000
            var rng = LiquidationBench.Generator(state: 7)
            var longs = [UInt32: UInt64]()
            for start in stride(from: 0, to: count, by: 50_000) {
                try store.environment.write { txn in
                    for i in start..<min(start + 50_000, count) {
                        let vaultKey = SHA256.hash(Array("time-vault-\(i)".utf8)).bytes + [0, 0, 0, 0]
                        let kind = rng.uniform(0...9)
                        let units = Int64(rng.uniform(1...20)) * 10_000_000   // 0.1 to 2 BTC
                        var held = [(UInt32, Int64)]()
                        switch kind {
                        case 0...3: held = [(rng.uniform(0...1) == 0 ? 6 : 7, units)]
                        case 4...5: held = [(6, -units), (1, units / 2)]
                        default: held = [(rng.uniform(0...1) == 0 ? 6 : 7, -units)]
                        }
                        let portfolio = kind <= 5
                        var values = [Int128](), positions = [PortfolioMargin.Position]()
                        var standalone: UInt128 = 0
                        for (id, size) in held {
                            let m = market(id)
                            var mark = Margin.Mark(underlying: spot)
                            if m.params.instrument.isOption { mark = Margin.optionMark(m.params, underlying: spot, vol: vol, at: now) }
                            values.append(Int128(size) * Int128(mark.price) / Int128(PerpUnits.notionalDivisor) - (size < 0 ? 1 : 0))
                            standalone += try Margin.requirements(m.params, size: size, mark: mark).maintenance
                            positions.append(PortfolioMargin.Position(market: id, symbol: m.params.symbol, size: size, instrument: m.params.instrument,
                                                                      underlying: 1, spot: spot, vol: mark.vol, timeToExpiryMs: mark.timeToExpiryMs,
                                                                      markWad: mark.wad))
                        }
                        let value = values.reduce(0, +)
                        let maintenance = portfolio ? try PortfolioMargin.evaluate(positions, settings: settings).maintenance : standalone
                        // Excess = maintenance × m: 5% to 200%, or for one vault in fifty 0.01% to 1%.
                        let ppm = rng.uniform(0...49) == 0 ? rng.uniform(100...10_000) : rng.uniform(50_000...2_000_000)
                        let equity = Int128(maintenance) + Int128(maintenance * UInt128(ppm) / 1_000_000) + 1
                        try txn.put(StateTable.vaults.name, vaultKey, Vault(mode: portfolio ? .portfolio : .cross, quote: equity - value).encoded())
                        for (cost, (id, size)) in zip(values, held) {
                            let marketKey = BigEndianKey.u32(id)
                            try txn.put(StateTable.positions.name, vaultKey + marketKey, Position(size: size, costBasis: cost).encoded())
                            try txn.put(StateTable.marketPositions.name, marketKey + [size > 0 ? 0 : 1] + vaultKey, [])
                            if size > 0 { longs[id, default: 0] += UInt64(size) }
                        }
                    }
                }
            }
            try Tools.setOpenInterest(longs, store: store)
        }

        let (node, client, startSeconds) = try await Tools.startDevnet(binary, home: dir + "/node", port: port)
        defer {
            node.terminate()
            node.waitUntilExit()
        }
        let built = try await client.liquidatable(limit: 1).value

        // Blocks one second apart, nothing moving but time.
        var time = max(UInt64(Date().timeIntervalSince1970 * 1000), now) + 1_000
        var dues = [Int](), updates = [UInt64](), revalued = [Int]()
        for _ in 0..<blocks {
            time += 1_000
            _ = try await client.devnet("time", NextBlockTimeRequest(nextBlockTime: String(time)), as: NextBlockTimeReply.self)
            _ = try await client.mine(blocks: 1)
            let index = try await client.liquidatable(limit: 1).value.index
            dues.append(index.lastTimeRevalued)
            revalued.append(index.lastRevalued)
            updates.append(index.lastUpdateUs)
        }
        // Every vault close enough to maintenance is due in every block.
        let everyBlock = dues.min() ?? 0
        // One price move: every BTC option vault has empty bands and is revalued.
        _ = try await client.devnet("oracle", OracleOverrideRequest(market: "BTC-USD", price: "60600"), as: OracleOverrideReply.self)
        let moved = try await client.liquidatable(limit: 1).value.index

        let d = dues.sorted(), u = updates.sorted()
        return Result(vaults: count, blocks: blocks, startSeconds: startSeconds, timeQueue: built.index.timeQueue,
                      dueP50: d[d.count / 2], dueP95: d[d.count * 95 / 100], dueMax: d.last!, dueMean: Double(d.reduce(0, +)) / Double(d.count),
                      revaluedMax: revalued.max()!, updateP50Us: u[u.count / 2], updateP95Us: u[u.count * 95 / 100], updateMaxUs: u.last!,
                      everyBlock: everyBlock, moveRevalued: moved.lastRevalued, moveUpdateMs: Double(moved.lastUpdateUs) / 1_000)
    }

    static func print(_ r: Result) {
        Swift.print(String(format: "time and the liquidation index with %d option vaults: node start with index build %.1f s, %d time deadlines queued",
                           r.vaults, r.startSeconds, r.timeQueue))
        Swift.print(String(format: "  %d blocks 1 s of block time apart, no price moving: vaults due by time per block p50 %d, p95 %d, max %d (mean %.1f; %d due in every block, close to maintenance; at most %d revalued in all)",
                           r.blocks, r.dueP50, r.dueP95, r.dueMax, r.dueMean, r.everyBlock, r.revaluedMax))
        Swift.print(String(format: "  index update per block p50 %.2f ms, p95 %.2f ms, max %.2f ms",
                           Double(r.updateP50Us) / 1_000, Double(r.updateP95Us) / 1_000, Double(r.updateMaxUs) / 1_000))
        Swift.print(String(format: "  beside it: revaluing every option vault in a block (one BTC price move, %d revalued) took %.1f ms; before this index the still blocks revalued none (0 due) and missed vaults that decayed under maintenance",
                           r.moveRevalued, r.moveUpdateMs))
    }
}
