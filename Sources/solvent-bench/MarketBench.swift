import Dispatch
import Foundation
import SolventDevnet
import SolventEngine
import SolventClient
import SolventCore
import SolventCrypto
import SolventStore

/// Order placement and matching throughput: pairs of orders, a post-only ask that rests and an
/// immediate-or-cancel bid that fills against it, so every pair is one trade.
enum MarketBench {
    struct Result {
        let orders: Throughput
        let fills: Int
    }

    /// A genesis whose prices stay fresh for the whole run (genesis dated now, prices valid a year).
    static func genesis(accounts: [PrivateKey]) -> Genesis {
        var g = DevnetKeys.devnetGenesis()
        g.genesisTimeMs = UInt64(Date().timeIntervalSince1970 * 1000) - 1_000
        g.oracle.settings.staleAfterMs = 365 * 86_400_000
        g.oracle.settings.maxReportAgeMs = 365 * 86_400_000
        g.accounts = accounts.enumerated().map { i, key in
            Genesis.GenesisAccount(name: "trader\(i)", address: Address(key.publicKey).text, wallet: [.init(asset: "USDC", amount: "1000000")])
        }
        return g
    }

    /// Pair i: maker account 2i rests a 0.01 BTC post-only ask, taker account 2i+1 buys it IOC.
    static func orders(accounts: [PrivateKey], pairs: Int, chainId: String, firstNonce: UInt64) -> [SignedTransaction] {
        var out = [SignedTransaction]()
        out.reserveCapacity(2 * pairs)
        var nonces = [UInt64](repeating: firstNonce, count: accounts.count)
        for i in 0..<pairs {
            let maker = (2 * i) % accounts.count, taker = (2 * i + 1) % accounts.count
            let price = UInt64(60_000 + (i % 50)) * OraclePrice.one
            for (a, side, tif) in [(maker, Side.sell, TimeInForce.postOnly), (taker, Side.buy, TimeInForce.immediateOrCancel)] {
                let request = OrderRequest(vault: 0, market: 1, side: side, kind: .limit, timeInForce: tif, reduceOnly: false,
                                           size: 1_000_000, price: price)
                out.append(Transaction(chainId: chainId, sender: Address(accounts[a].publicKey), nonce: nonces[a],
                                       action: .orderPlace(request)).signed(with: accounts[a]))
                nonces[a] += 1
            }
        }
        return out
    }

    /// In-process: orders matched and committed to LMDB, no RPC. With `verifiedBeforehand` the
    /// signatures are checked before the clock starts, so the figure is execution alone (match,
    /// margin, state hash, events, the LMDB commit); otherwise each block's are checked on every
    /// core inside the clock, as the node does.
    /// `setup` may change the genesis and return admin actions, sent in the deposits' block.
    static func executionOnly(accounts count: Int = 1_000, pairs: Int = 10_000, perBlock: Int = 2_000,
                              verifiedBeforehand: Bool = false, setup: ((inout Genesis) -> [TxAction])? = nil) throws -> Result {
        let keys = (0..<count).map { DevnetKeys.account($0) }
        var genesis = genesis(accounts: keys)
        let admin = DevnetKeys.admin()
        let adminActions = setup?(&genesis) ?? []
        if !adminActions.isEmpty {
            genesis.accounts.append(.init(name: "admin", address: Address(admin.publicKey).text, wallet: [.init(asset: "USDC", amount: "1000")]))
        }
        let dir = NSTemporaryDirectory() + "solvent-market-bench-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try ChainEngine.create(directory: dir, genesis: genesis)
        let validator = DevnetKeys.validator()
        var time = genesis.genesisTimeMs
        let deposits = keys.map {
            Transaction(chainId: genesis.chainId, sender: Address($0.publicKey), nonce: 0,
                        action: .deposit(vault: 0, asset: 0, amount: 100_000_000_000)).signed(with: $0)
        } + adminActions.enumerated().map { i, action in
            Transaction(chainId: genesis.chainId, sender: Address(admin.publicKey), nonce: UInt64(i), action: action).signed(with: admin)
        }
        time += 1
        let setupBlock = try engine.produceBlock(transactions: try VerifiedTransaction.verifyAll(deposits).map { try $0.get() }, timeMs: time,
                                                 proposerKey: validator)
        if let failed = setupBlock.receipts.first(where: { !$0.succeeded }) { throw ClientError("bench", "setup failed: \(failed.message)") }
        let all = orders(accounts: keys, pairs: pairs, chainId: genesis.chainId, firstNonce: 1)
        let blocks = stride(from: 0, to: all.count, by: perBlock).map { Array(all[$0..<min($0 + perBlock, all.count)]) }
        let verified = verifiedBeforehand ? try blocks.map { try VerifiedTransaction.verifyAll($0).map { try $0.get() } } : []
        var receipts = [[Receipt]]()
        let start = DispatchTime.now().uptimeNanoseconds
        for (i, block) in blocks.enumerated() {
            time += 1
            let txs = verifiedBeforehand ? verified[i] : try VerifiedTransaction.verifyAll(block).map { try $0.get() }
            receipts.append(try engine.produceBlock(transactions: txs, timeMs: time, proposerKey: validator).receipts)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // Outside the clock: every order went through, and the fills.
        if let failed = receipts.joined().first(where: { !$0.succeeded }) { throw ClientError("bench", "an order failed: \(failed.message)") }
        let fills = receipts.joined().reduce(0) { $0 + $1.events.filter { $0.type == "fill" }.count }
        return Result(orders: Throughput(count: all.count, seconds: seconds), fills: fills)
    }

    /// Issue 14's execution rows: orders per second with signatures checked beforehand (10,000
    /// orders a block), and the cost per order at 10,000 a block against 100 a block.
    static func executionRows() throws {
        // The fastest of three runs each: the machine's other load only ever slows a run.
        func best(_ run: () throws -> Result) rethrows -> Result {
            try (0..<3).map { _ in try run() }.min { $0.orders.microsEach < $1.orders.microsEach }!
        }
        let large = try best { try executionOnly(pairs: 10_000, perBlock: 10_000, verifiedBeforehand: true) }.orders
        let small = try best { try executionOnly(pairs: 1_000, perBlock: 100, verifiedBeforehand: true) }.orders
        print(String(format: "orders executed on one core, signatures checked beforehand (10000 a block, best of 3): %.0f /s, %.1f us/order (limit 100000 /s)",
                     large.perSecond, large.microsEach))
        print(String(format: "cost per order at 10000 per block / at 100 per block: %.2f (%.1f / %.1f us; limit 1.5)",
                     large.microsEach / small.microsEach, large.microsEach, small.microsEach))
    }

    /// Through a running node: pre-signed orders submitted in HTTP batches, timed until the
    /// mempool is empty (every order in a committed block).
    static func endToEnd(client: RPCClient, accounts keys: [PrivateKey], chainId: String, pairs: Int, batch: Int) async throws -> Result {
        // Vault deposits first (untimed).
        let deposits = keys.map {
            Hex.encode(Transaction(chainId: chainId, sender: Address($0.publicKey), nonce: 0,
                                   action: .deposit(vault: 0, asset: 0, amount: 100_000_000_000)).signed(with: $0).bytes)
        }
        for chunk in stride(from: 0, to: deposits.count, by: batch) {
            _ = try await client.submitBatch(hex: Array(deposits[chunk..<min(chunk + batch, deposits.count)]), errorsOnly: true)
        }
        try await waitForEmptyMempool(client)
        let startHeight = try await client.status().value.height
        let hexes = orders(accounts: keys, pairs: pairs, chainId: chainId, firstNonce: 1).map { Hex.encode($0.bytes) }
        let bodies = try stride(from: 0, to: hexes.count, by: batch).map { try RPCClient.batchBody(Array(hexes[$0..<min($0 + batch, hexes.count)])) }
        let start = DispatchTime.now().uptimeNanoseconds
        for body in bodies { _ = try await Tools.submitUntilAdmitted(body, client, refused: "order") }
        try await waitForEmptyMempool(client)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // Outside the clock: count the fills.
        var fills = 0
        let endHeight = try await client.status().value.height
        var h = startHeight + 1
        while h <= endHeight {
            let block = try await client.block(String(h)).value
            for t in block.transactions {
                if t.receipt?.succeeded == false { throw ClientError("bench", "order \(t.hash) failed: \(t.receipt!.message)") }
                fills += t.receipt?.events.filter { $0.type == "fill" }.count ?? 0
            }
            h += 1
        }
        return Result(orders: Throughput(count: hexes.count, seconds: seconds), fills: fills)
    }

    static func waitForEmptyMempool(_ client: RPCClient) async throws {
        while try await client.status().value.mempoolSize > 0 { try await Task.sleep(for: .milliseconds(5)) }
    }
}
