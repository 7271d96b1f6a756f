import Dispatch
import Foundation
import SolventClient
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventEngine
import SolventNode

/// Issue 15's dynamic haircuts (contracts-spec/haircuts.md): what a moving haircut costs per
/// block. `vaults` vaults each hold 0.1 BTC as collateral and a 0.01 BTC-PERP position (half long,
/// half short); the node's liquidation index is built over them. Then empty blocks, first with no
/// haircut rule, then with BTC's haircut moving every block (an implied rule on BTC-IV whose
/// target is far above the haircut, 1 000 ppm a block): the block's production time (the
/// begin-block update is the difference) and the index's update, which revalues every vault
/// holding BTC because its haircut moved.
enum HaircutBench {
    struct Result {
        let vaults: Int
        let blockWithoutMs: Double, blockWithMs: Double
        let indexWithoutMs: Double, indexWithMs: Double
        let revalued: Int
    }

    static func run(vaults count: Int = 20_000, blocks: Int = 20) throws -> Result {
        let keys = (0..<count).map { DevnetKeys.account($0) }
        let admin = DevnetKeys.admin()
        var genesis = MarketBench.genesis(accounts: keys)
        for i in genesis.accounts.indices { genesis.accounts[i].wallet.append(.init(asset: "BTC", amount: "1")) }
        genesis.accounts.append(.init(name: "admin", address: Address(admin.publicKey).text, wallet: [.init(asset: "USDC", amount: "1000")]))
        let dir = NSTemporaryDirectory() + "solvent-haircut-bench-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try ChainEngine.create(directory: dir, genesis: genesis)
        let validator = DevnetKeys.validator()
        var time = genesis.genesisTimeMs
        @discardableResult
        func block(_ txs: [SignedTransaction]) throws -> CommittedBlock {
            time += 1_000
            let produced = try engine.produceBlock(transactions: try VerifiedTransaction.verifyAll(txs).map { try $0.get() }, timeMs: time,
                                                   proposerKey: validator)
            if let failed = produced.receipts.first(where: { !$0.succeeded }) { throw ClientError("bench", "setup failed: \(failed.message)") }
            return produced
        }
        func signed(_ key: PrivateKey, _ nonce: UInt64, _ action: TxAction) -> SignedTransaction {
            Transaction(chainId: genesis.chainId, sender: Address(key.publicKey), nonce: nonce, action: action).signed(with: key)
        }
        let deposits = keys.flatMap {
            [signed($0, 0, .deposit(vault: 0, asset: 0, amount: 10_000_000_000)), signed($0, 1, .deposit(vault: 0, asset: 1, amount: 10_000_000))]
        }
        for start in stride(from: 0, to: deposits.count, by: 10_000) { try block(Array(deposits[start..<min(start + 10_000, deposits.count)])) }
        let orders = MarketBench.orders(accounts: keys, pairs: count / 2, chainId: genesis.chainId, firstNonce: 2)
        for start in stride(from: 0, to: orders.count, by: 10_000) { try block(Array(orders[start..<min(start + 10_000, orders.count)])) }

        let index = LiquidationIndex(source: { try engine.store.snapshot() })
        let head = try engine.store.head()
        try index.rebuild(height: head.height, timeMs: head.timeMs)
        // Empty blocks: produced, then the index brought up to them, each timed.
        func emptyBlocks() throws -> (blockMs: Double, indexMs: Double, revalued: Int) {
            var produce = [Double](), update = [Double](), revalued = 0
            for _ in 0..<blocks {
                let start = DispatchTime.now().uptimeNanoseconds
                let committed = try block([])
                let produced = DispatchTime.now().uptimeNanoseconds
                try index.update(changes: committed.changes, height: committed.height, timeMs: time)
                produce.append(Double(produced - start) / 1e6)
                update.append(Double(DispatchTime.now().uptimeNanoseconds - produced) / 1e6)
                revalued = max(revalued, index.stats.lastUpdate.revalued)
            }
            return (produce.sorted()[blocks / 2], update.sorted()[blocks / 2], revalued)
        }
        let without = try emptyBlocks()
        try block([signed(admin, 0, .assetSetHaircutRule(.init(asset: 1, volMarket: 4, windowMs: 0, scalePpm: 1_000_000, capPpm: 900_000,
                                                                  ratePpmPerHour: 1_000_000, stepPpm: 1_000)))])
        let with = try emptyBlocks()
        guard let rule = try engine.store.withState({ state, _ in state.dynamicHaircuts().rule(of: 1) }), rule.haircutPpm > 100_000 else {
            throw ClientError("bench", "BTC's haircut did not move")
        }
        return Result(vaults: count, blockWithoutMs: without.blockMs, blockWithMs: with.blockMs, indexWithoutMs: without.indexMs,
                      indexWithMs: with.indexMs, revalued: with.revalued)
    }

    static func rows() throws {
        let r = try run()
        print(String(format: "empty block with BTC's dynamic haircut moving every block / without a rule, %d vaults holding BTC: %.2f / %.2f ms (the begin-block update %.2f ms)",
                     r.vaults, r.blockWithMs, r.blockWithoutMs, max(0, r.blockWithMs - r.blockWithoutMs)))
        print(String(format: "liquidation index update when BTC's haircut moves: %.1f ms, %d holders revalued (%.1f us each; %.2f ms without a move)",
                     r.indexWithMs, r.revalued, r.indexWithMs * 1_000 / Double(max(r.revalued, 1)), r.indexWithoutMs))
    }
}
