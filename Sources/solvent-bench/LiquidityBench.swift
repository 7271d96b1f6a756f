import Dispatch
import Foundation
import SolventClient
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventEngine

/// Issue 15's liquidity-scaled margin (contracts-spec/margin.md, "Open-interest scaling" and
/// "Book-depth add-on"): what they cost. Open-interest caps are computed where a requirement is,
/// with no work per block; a depth add-on samples its market's book at the start of every block.
/// Two figures: orders executed on one core with BTC-PERP's caps and add-on set, beside the same
/// run without them; and an empty block's time with 10,000 bids resting inside the add-on's band,
/// with and without the add-on (the difference is the per-block sampling).
enum LiquidityBench {
    static let admin = DevnetKeys.admin()

    /// The execution run of MarketBench with BTC-PERP's caps (its open notional between them
    /// from the first fills on) and a depth add-on set in the deposits' block.
    static func executionWithAddOns() throws -> MarketBench.Result {
        try MarketBench.executionOnly(pairs: 10_000, perBlock: 10_000, verifiedBeforehand: true) { genesis in
            genesis.perps.markets[0].oiLowerCap = "0"
            genesis.perps.markets[0].oiUpperCap = "1000000000000"
            return [.marketSetDepthAddon(market: 1, bandPpm: 10_000, windowMs: 600_000, addonPpm: 100_000)]
        }
    }

    /// Milliseconds per empty block (best of three runs of 50) with `restingBids` bids resting
    /// within 1% of the oracle price, with or without BTC-PERP's depth add-on.
    static func emptyBlockMs(restingBids: Int, addOn: Bool) throws -> Double {
        let keys = (0..<100).map { DevnetKeys.account($0) }
        var genesis = MarketBench.genesis(accounts: keys)
        genesis.accounts.append(.init(name: "admin", address: Address(admin.publicKey).text, wallet: [.init(asset: "USDC", amount: "1000")]))
        let dir = NSTemporaryDirectory() + "solvent-liquidity-bench-\(ProcessInfo.processInfo.processIdentifier)-\(addOn)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try ChainEngine.create(directory: dir, genesis: genesis)
        let validator = DevnetKeys.validator()
        var time = genesis.genesisTimeMs
        func block(_ txs: [SignedTransaction]) throws {
            time += 1_000
            let produced = try engine.produceBlock(transactions: try VerifiedTransaction.verifyAll(txs).map { try $0.get() }, timeMs: time,
                                                   proposerKey: validator)
            if let failed = produced.receipts.first(where: { !$0.succeeded }) { throw ClientError("bench", "setup failed: \(failed.message)") }
        }
        try block(keys.map {
            Transaction(chainId: genesis.chainId, sender: Address($0.publicKey), nonce: 0,
                        action: .deposit(vault: 0, asset: 0, amount: 100_000_000_000)).signed(with: $0)
        })
        var nonces = [UInt64](repeating: 1, count: keys.count)
        var bids = [SignedTransaction]()
        for i in 0..<restingBids {
            let a = i % keys.count
            // 59,400 to 59,999: all within 1% of the oracle's 60,000.
            let request = OrderRequest(vault: 0, market: 1, side: .buy, kind: .limit, timeInForce: .postOnly, reduceOnly: false,
                                       size: 1_000_000, price: UInt64(59_400 + i % 600) * OraclePrice.one)
            bids.append(Transaction(chainId: genesis.chainId, sender: Address(keys[a].publicKey), nonce: nonces[a], action: .orderPlace(request))
                .signed(with: keys[a]))
            nonces[a] += 1
        }
        try block(bids)
        if addOn {
            try block([Transaction(chainId: genesis.chainId, sender: Address(admin.publicKey), nonce: 0,
                                   action: .marketSetDepthAddon(market: 1, bandPpm: 10_000, windowMs: 600_000, addonPpm: 100_000))
                .signed(with: admin)])
        }
        var best = Double.infinity
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<50 { try block([]) }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / 50)
        }
        return best
    }

    static func rows() throws {
        let plain = try (0..<2).map { _ in try MarketBench.executionOnly(pairs: 10_000, perBlock: 10_000, verifiedBeforehand: true) }
            .min { $0.orders.microsEach < $1.orders.microsEach }!
        let with = try (0..<2).map { _ in try executionWithAddOns() }.min { $0.orders.microsEach < $1.orders.microsEach }!
        print(String(format: "orders executed on one core with BTC-PERP's open-interest caps and depth add-on set / without: %.1f / %.1f us/order (%+.0f%%)",
                     with.orders.microsEach, plain.orders.microsEach, (with.orders.microsEach / plain.orders.microsEach - 1) * 100))
        let off = try emptyBlockMs(restingBids: 10_000, addOn: false), on = try emptyBlockMs(restingBids: 10_000, addOn: true)
        print(String(format: "empty block with 10000 bids resting in the depth band, with / without the add-on: %.2f / %.2f ms (sampling %.2f ms a block; the caps need no per-block work)",
                     on, off, max(0, on - off)))
    }
}
