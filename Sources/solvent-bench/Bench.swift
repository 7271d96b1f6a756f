import ArgumentParser
import Dispatch
import Foundation
import SolventClient
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventStore

/// `solvent-bench`: the figures `tools/bench` prints.
///
/// 1. Raw Ed25519 verification rate: libsodium `crypto_sign_verify_detached` on pre-signed
///    transactions, spread over all cores, nothing else.
/// 2. End-to-end rate: a real `solventd` process on a fresh home; pre-signed transactions are
///    submitted over HTTP in batches (`POST /v1/txs/batch`) and the clock stops when the last
///    one is in a committed (fsynced) LMDB block.
/// 3. Their ratio.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solvent-bench", abstract: "Measure raw signature verification and end-to-end transaction throughput.")

    @Option(help: "Transactions for the end-to-end run.") var transactions = 120_000
    @Option(help: "Funded sender accounts (each sends transactions with consecutive nonces).") var accounts = 2_000
    @Option(help: "Transactions per batch request.") var batch = 2_000
    @Option(help: "Concurrent HTTP connections submitting batches.") var connections = 2
    @Option(name: .customLong("block-time"), help: "Node block interval in ms.") var blockTime = 250
    @Option(help: "Signatures for the raw verification measurement.") var verifications = 60_000
    @Option(help: "Path of the solventd binary (default: next to this executable).") var solventd: String?
    @Option(help: "Also write the results as JSON to this file.") var json: String?
    @Option(help: "RPC port for the benchmark node.") var port = 26757
    @Flag(help: "Also print the in-process cost of each stage per transaction.") var stages = false
    @Option(name: .customLong("liquidation-vaults"), help: "Vault counts for the liquidation index runs, comma-separated.")
    var liquidationVaults = "100000,1000000"
    @Flag(name: .customLong("liquidations-only"), help: "Run only the liquidation index measurements.") var liquidationsOnly = false
    @Flag(name: .customLong("portfolio-only"), help: "Run only the portfolio margin measurement.") var portfolioOnly = false
    @Flag(name: .customLong("execution-only"), help: "Run only the in-process order execution measurements.") var executionOnly = false
    @Flag(name: .customLong("adaptive-risk-only"), help: "Run only the adaptive risk measurements (issue 15: liquidity add-ons, haircuts).")
    var adaptiveRiskOnly = false
    @Option(name: .customLong("time-vaults"), help: "Option vaults for the run where block time moves the liquidation index.")
    var timeVaults = 100_000
    @Option(name: .customLong("time-blocks"), help: "Blocks, one second of block time apart, in that run.") var timeBlocks = 600
    @Flag(name: .customLong("time-only"), help: "Run only the measurement of block time moving the liquidation index.") var timeOnly = false

    func run() async throws {
        let cores = Parallel.coreCount
        print("solvent-bench: \(cores) cores")
        if adaptiveRiskOnly {
            try LiquidityBench.rows()
            try HaircutBench.rows()
            try RiskBench.rows()
            return
        }
        if executionOnly {
            try MarketBench.executionRows()
            try LiquidityBench.rows()
            try HaircutBench.rows()
            return
        }
        if portfolioOnly {
            PortfolioBench.print(try PortfolioBench.run())
            return
        }
        if liquidationsOnly || timeOnly {
            let home = NSTemporaryDirectory() + "solvent-bench-\(ProcessInfo.processInfo.processIdentifier)"
            defer { try? FileManager.default.removeItem(atPath: home) }
            if liquidationsOnly { _ = try await liquidationRuns(binary: solventdPath, home: home) }
            if timeOnly { TimeBench.print(try await TimeBench.run(vaults: timeVaults, blocks: timeBlocks, binary: solventdPath, home: home, port: port + 3)) }
            return
        }
        let keys = (0..<accounts).map { DevnetKeys.account($0) }

        // 1. Raw verification.
        let rawTxs = (0..<verifications).map { i in
            Transaction(chainId: DevnetKeys.devnetChainId, sender: Address(keys[i % keys.count].publicKey), nonce: UInt64(i),
                        action: .send(to: Address(keys[(i + 1) % keys.count].publicKey), asset: 0, amount: 1))
                .signed(with: keys[i % keys.count])
        }
        var rawRates = [Double]()
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            let ok = Parallel.map(count: rawTxs.count) { rawTxs[$0].verifySignature() }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            precondition(ok.allSatisfy { $0 }, "a benchmark signature failed to verify")
            rawRates.append(Double(rawTxs.count) / seconds)
        }
        let raw = rawRates.max()!
        print(String(format: "raw Ed25519 verifications (libsodium, %d cores): %.0f /s", cores, raw))
        if stages {
            print("per-transaction cost of each stage (one core, \(accounts) accounts, 10000 transactions in one block):")
            for (name, micros) in try Stages.measure(accounts: accounts, transactions: 10_000) {
                print("  " + name.padding(toLength: 46, withPad: " ", startingAt: 0) + String(format: "%8.2f us", micros))
            }
        }

        // 2. End-to-end through a real node process.
        let home = NSTemporaryDirectory() + "solvent-bench-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: home) }
        var genesis = DevnetKeys.devnetGenesis()
        genesis.accounts = keys.enumerated().map { i, key in
            Genesis.GenesisAccount(name: "bench\(i)", address: Address(key.publicKey).text,
                                   wallet: [.init(asset: "USDC", amount: "1000000")])
        }
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let genesisPath = home + "/bench-genesis.json"
        try Data(try GenesisFile.encode(genesis)).write(to: URL(fileURLWithPath: genesisPath))
        let binary = solventdPath
        let (node, client) = try await startNode(binary: binary, genesisPath: genesisPath, home: home + "/node", port: port)
        defer { Self.stop(node) }

        print("signing \(transactions) transactions from \(accounts) accounts...")
        let perAccount = (transactions + accounts - 1) / accounts
        // Transaction j of account a has nonce j. Each connection owns a disjoint set of senders
        // and sends its batches in order, so every sender's nonces arrive in sequence. Request
        // bodies are prepared before the clock starts, as a load generator would.
        var sentBy = [Int](repeating: 0, count: accounts)
        var bodies = [[Data]]()
        for c in 0..<connections {
            var hexes = [String]()
            for j in 0..<perAccount {
                for a in stride(from: c, to: accounts, by: connections) where j * accounts + a < transactions {
                    let tx = Transaction(chainId: genesis.chainId, sender: Address(keys[a].publicKey), nonce: UInt64(j),
                                         action: .send(to: Address(keys[(a + 1) % accounts].publicKey), asset: 0, amount: 1))
                    hexes.append(Hex.encode(tx.signed(with: keys[a]).bytes))
                    sentBy[a] += 1
                }
            }
            bodies.append(try stride(from: 0, to: hexes.count, by: batch).map {
                try RPCClient.batchBody(Array(hexes[$0..<min($0 + batch, hexes.count)]))
            })
        }
        let total = sentBy.reduce(0, +)
        let startHeight = try await client.status().value.height

        let start = DispatchTime.now().uptimeNanoseconds
        let resent = try await withThrowingTaskGroup(of: Int.self) { group in
            for c in 0..<connections {
                let mine = bodies[c]
                group.addTask {
                    var resent = 0
                    for body in mine { resent += try await Tools.submitUntilAdmitted(body, client, refused: "transaction") }
                    return resent
                }
            }
            return try await group.reduce(0, +)
        }
        let submitted = DispatchTime.now().uptimeNanoseconds
        // The clock stops when the mempool is empty: every transaction is in a committed block.
        var status = try await client.status().value
        while status.mempoolSize > 0 {
            try await Task.sleep(for: .milliseconds(5))
            status = try await client.status().value
        }
        let end = DispatchTime.now().uptimeNanoseconds
        let seconds = Double(end - start) / 1e9
        let e2e = Double(total) / seconds
        let ratio = e2e / raw
        print(String(format: "end-to-end (HTTP batch submit -> mempool -> block -> LMDB commit): %d txs in %.2f s = %.0f tx/s", total, seconds, e2e))
        print(String(format: "  submission took %.2f s; %d blocks; %d batches resent after mempool_full",
                     Double(submitted - start) / 1e9, Int(status.height - startHeight), resent))
        // Outside the timed run: every transaction succeeded (each sender's nonce advanced by
        // what it sent, and the recipients' balances add up).
        for a in 0..<accounts {
            let reply = try await client.account(Address(keys[a].publicKey).text).value
            guard reply.nonce == UInt64(sentBy[a]) else {
                throw ClientError("bench", "account \(a) has nonce \(reply.nonce) after sending \(sentBy[a]) transactions")
            }
        }
        print("  checked: all \(accounts) senders' nonces equal the transactions they sent")
        print(String(format: "end-to-end signed sends over RPC into LMDB / raw verify on all cores: %.2f (limit 0.80)", ratio))
        Self.stop(node)
        let sendsReplay = try ReplayBench.row("sends", binary: binary, home: home + "/node", produced: Throughput(count: total, seconds: seconds))
        // 4. Oracle price updates.
        let oracle = try OracleBench.run()
        print(String(format: "oracle price updates (%d signed reports each: verified on all cores, median taken, committed): %d in %.2f s = %.0f updates/s",
                     OracleBench.reportsPerUpdate, oracle.count, oracle.seconds, oracle.perSecond))

        // 5. Orders: execution only, then end to end through a second node.
        let matching = try MarketBench.executionOnly()
        print(String(format: "order placement and matching, execution only (verify, match, commit): %d orders (%d fills) in %.2f s = %.0f orders/s",
                     matching.orders.count, matching.fills, matching.orders.seconds, matching.orders.perSecond))
        try MarketBench.executionRows()
        try LiquidityBench.rows()
        try HaircutBench.rows()
        let (marketE2E, ordersReplay) = try await marketEndToEnd(binary: binary, home: home)
        print(String(format: "order placement and matching, end to end (HTTP -> mempool -> block -> LMDB): %d orders (%d fills) in %.2f s = %.0f orders/s",
                     marketE2E.orders.count, marketE2E.fills, marketE2E.orders.seconds, marketE2E.orders.perSecond))
        print(String(format: "end-to-end signed orders over RPC / raw verify on all cores: %.2f (limit 0.70)", marketE2E.orders.perSecond / raw))
        // 6. Portfolio margin evaluations.
        let portfolio = try PortfolioBench.run()
        PortfolioBench.print(portfolio)
        try RiskBench.rows()

        // 7. The liquidation index with many vaults.
        let liquidations = try await liquidationRuns(binary: binary, home: home)
        // 8. Block time moving the index over option vaults.
        let time = try await TimeBench.run(vaults: timeVaults, blocks: timeBlocks, binary: binary, home: home, port: port + 3)
        TimeBench.print(time)
        if let json {
            var result: [String: Any] = [
                "orders_per_second_execution": Int(matching.orders.perSecond), "orders_per_second_end_to_end": Int(marketE2E.orders.perSecond),
                "oracle_updates_per_second": Int(oracle.perSecond), "oracle_reports_per_update": OracleBench.reportsPerUpdate,
                "cores": cores, "raw_verifications_per_second": Int(raw), "end_to_end_tx_per_second": Int(e2e),
                "ratio": (ratio * 1000).rounded() / 1000, "transactions": total, "seconds": seconds,
                "blocks": Int(status.height - startHeight), "batch": batch, "connections": connections, "block_time_ms": blockTime,
                "portfolio_evaluations_per_second_20_positions": Int(portfolio.evaluationsPerSecond),
                "time_index_vaults": time.vaults, "time_index_due_per_block_p50": time.dueP50, "time_index_due_per_block_max": time.dueMax,
                "time_index_update_ms_p50": Double(time.updateP50Us) / 1_000, "time_index_update_ms_max": Double(time.updateMaxUs) / 1_000,
                "time_index_all_option_vaults_update_ms": time.moveUpdateMs,
                "replay_over_production_sends": (sendsReplay * 100).rounded() / 100,
                "replay_over_production_orders": (ordersReplay * 100).rounded() / 100,
            ]
            for r in liquidations {
                result["liquidatable_answer_ms_p50_\(r.vaults)_vaults"] = r.answerP50Ms
                result["liquidation_index_update_ms_\(r.vaults)_vaults"] = r.moves.map(\.updateMs)
                result["liquidation_index_start_seconds_\(r.vaults)_vaults"] = r.startSeconds
                result["liquidation_index_empty_block_ms_p99_\(r.vaults)_vaults"] = LiquidationBench.percentile(r.emptyBlockUpdatesMs, 99)
                result["liquidatable_answer_ms_p99_crowded_\(r.vaults)_vaults"] = LiquidationBench.percentile(r.crowdedAnswersMs, 99)
                result["liquidation_index_rss_mb_\(r.vaults)_vaults"] = r.rssMB
                result["risk_shock_ms_\(r.vaults)_vaults"] = r.shockMs
            }
            try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
                .write(to: URL(fileURLWithPath: json))
        }
    }

    /// A second node whose genesis keeps prices fresh, for the order benchmark; its chain is then
    /// replayed (the replay row's ratio comes back with the result).
    func marketEndToEnd(binary: String, home: String) async throws -> (MarketBench.Result, Double) {
        let keys = (0..<1_000).map { DevnetKeys.account($0) }
        let genesis = MarketBench.genesis(accounts: keys)
        let path = home + "/market-genesis.json"
        try Data(try GenesisFile.encode(genesis)).write(to: URL(fileURLWithPath: path))
        let (node, client) = try await startNode(binary: binary, genesisPath: path, home: home + "/market-node", port: port + 1)
        defer { Self.stop(node) }
        let result = try await MarketBench.endToEnd(client: client, accounts: keys, chainId: genesis.chainId, pairs: 10_000, batch: batch)
        Self.stop(node)
        let replay = try ReplayBench.row("orders", binary: binary, home: home + "/market-node", produced: result.orders)
        return (result, replay)
    }

    /// Stops a benchmark node (again is a no-op), so that its home can be replayed.
    static func stop(_ node: Process) {
        guard node.isRunning else { return }
        node.terminate()
        node.waitUntilExit()
    }

    var solventdPath: String { solventd ?? (CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/solventd" }

    func liquidationRuns(binary: String, home: String) async throws -> [LiquidationBench.Result] {
        var out = [LiquidationBench.Result]()
        for text in liquidationVaults.split(separator: ",") {
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n > 0 else {
                throw ClientError("invalid_argument", "--liquidation-vaults takes counts like 100000,1000000")
            }
            let r = try await LiquidationBench.run(vaults: n, binary: binary, home: home, port: port + 2)
            LiquidationBench.print(r)
            out.append(r)
        }
        return out
    }

    /// `solventd init` on `home` from the genesis file, then `solventd start` serving RPC on `port`,
    /// once it answers. A node that does not answer is stopped before the error is thrown.
    func startNode(binary: String, genesisPath: String, home: String, port: Int) async throws -> (Process, RPCClient) {
        try Tools.run(binary, ["init", "--home", home, "--genesis", genesisPath])
        let node = Process()
        node.executableURL = URL(fileURLWithPath: binary)
        node.arguments = ["start", "--home", home, "--rpc", "127.0.0.1:\(port)", "--block-time", String(blockTime), "--log-level", "warning"]
        try node.run()
        let client = RPCClient(baseURL: "http://127.0.0.1:\(port)", timeoutSeconds: 300)
        do {
            for _ in 0..<200 {
                if (try? await client.status()) != nil { return (node, client) }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw ClientError("bench", "the benchmark node did not start")
        } catch {
            node.terminate()
            node.waitUntilExit()
            throw error
        }
    }
}

/// How many things a timed run did and in how long.
struct Throughput {
    let count: Int
    let seconds: Double
    var perSecond: Double { Double(count) / seconds }
    var microsEach: Double { seconds * 1e6 / Double(count) }
}
