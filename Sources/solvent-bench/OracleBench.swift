import Dispatch
import Foundation
import SolventClient
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventEngine
import SolventStore

/// The rate of oracle price updates a node processes: each update's transaction signature and
/// report signatures verified (in parallel across cores, as a block's are), then executed in
/// order (whitelist, timestamps, median, move limit) and committed to LMDB.
enum OracleBench {
    static let reportsPerUpdate = 5

    /// Updates processed, each carrying `reportsPerUpdate` signed reports.
    static func run(markets: Int = 200, blocks: Int = 10) throws -> Throughput {
        let signers = (0..<reportsPerUpdate).map { DevnetKeys.oracleSigner($0) }
        let relayer = DevnetKeys.oracleRelayer()
        var genesis = DevnetKeys.devnetGenesis()
        genesis.oracle.signers = signers.map(\.publicKey.hex)
        genesis.oracle.settings.quorum = UInt8(reportsPerUpdate | 1)
        genesis.oracle.settings.minUpdateIntervalMs = 0
        // The devnet's markets stay (its assets and perps need them); the benchmark's come after.
        let first: UInt32 = 100
        genesis.oracle.markets += (0..<markets).map { .init(id: first + UInt32($0), symbol: "TOK\($0)-USD", asset: nil, initialPrice: "100") }
        let dir = NSTemporaryDirectory() + "solvent-oracle-bench-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try ChainEngine.create(directory: dir, genesis: genesis)
        let validator = DevnetKeys.validator()

        // Sign everything first: the measurement is the node's work, not the signers'.
        var time = genesis.genesisTimeMs
        var nonce: UInt64 = 0
        var blockBytes = [[SignedTransaction]]()
        for b in 0..<blocks {
            time += 1_000
            var txs = [SignedTransaction]()
            for m in 0..<markets {
                let price = UInt64(100 + (b + m) % 7) * OraclePrice.one
                let reports = signers.map {
                    OracleReport.sign(chainId: genesis.chainId, market: first + UInt32(m), price: price, timestampMs: time - 100, key: $0)
                }
                txs.append(Transaction(chainId: genesis.chainId, sender: Address(relayer.publicKey), nonce: nonce,
                                       action: .oracleUpdate(market: first + UInt32(m), reports: reports)).signed(with: relayer))
                nonce += 1
            }
            blockBytes.append(txs)
        }
        time = genesis.genesisTimeMs
        let start = DispatchTime.now().uptimeNanoseconds
        for txs in blockBytes {
            time += 1_000
            let verified = try VerifiedTransaction.verifyAll(txs).map { try $0.get() }
            let committed = try engine.produceBlock(transactions: verified, timeMs: time, proposerKey: validator)
            guard committed.receipts.allSatisfy(\.succeeded) else {
                throw ClientError("bench", "an oracle update failed: \(committed.receipts.first { !$0.succeeded }!.message)")
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Throughput(count: markets * blocks, seconds: seconds)
    }
}
