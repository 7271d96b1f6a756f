import Dispatch
import Foundation
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventEngine
import SolventStore
import SolventWire

/// In-process cost of each stage a transaction goes through, per transaction, on one core:
/// where the end-to-end time goes when it falls short of the raw verification rate.
enum Stages {
    static func measure(accounts: Int, transactions: Int) throws -> [(String, Double)] {
        let keys = (0..<accounts).map { DevnetKeys.account($0) }
        var genesis = DevnetKeys.devnetGenesis()
        genesis.accounts = keys.enumerated().map { i, key in
            Genesis.GenesisAccount(name: "bench\(i)", address: Address(key.publicKey).text, wallet: [.init(asset: "USDC", amount: "1000000")])
        }
        let txs = (0..<transactions).map { i in
            Transaction(chainId: genesis.chainId, sender: Address(keys[i % accounts].publicKey), nonce: UInt64(i / accounts),
                        action: .send(to: Address(keys[(i + 1) % accounts].publicKey), asset: 0, amount: 1)).signed(with: keys[i % accounts])
        }
        let hexes = txs.map { Hex.encode($0.bytes) }
        let body = try JSONSerialization.data(withJSONObject: ["txs": hexes])
        var out = [(String, Double)]()
        func time(_ name: String, _ body: () throws -> Void) rethrows {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            out.append((name, Double(DispatchTime.now().uptimeNanoseconds - start) / 1000 / Double(transactions)))
        }
        try time("JSON decode of the batch body") { _ = try WireJSON.decode(BatchRequest.self, from: body) }
        var raw = [[UInt8]]()
        time("hex decode") { raw = hexes.map { Hex.decode($0)! } }
        var decoded = [SignedTransaction]()
        try time("TxCodec.decode + SHA-256 hash") { decoded = try raw.map { try TxCodec.decode($0) } }
        var verified = [VerifiedTransaction]()
        try time("Ed25519 verify (one core)") { verified = try decoded.map { try VerifiedTransaction.verify($0).get() } }

        let dir = NSTemporaryDirectory() + "solvent-stages-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try ChainEngine.create(directory: dir, genesis: genesis)
        let store = engine.store
        let machine = engine.machine
        let snapshot = try store.snapshot()
        let check = StateOverlay(base: snapshot)
        let head = try store.head()
        let next = BlockContext(height: head.height + 1, timeMs: head.timeMs + 1, proposer: engine.validator)
        time("CheckTx (mempool admission)") {
            for v in verified { precondition(machine.checkTx(v, state: check, context: next) == nil) }
        }
        snapshot.close()
        var finalized: FinalizedBlock?
        try store.withHeadState { state, _, prev in
            time("FinalizeBlock (execute + state hash)") {
                finalized = machine.finalizeBlock(BlockContext(height: head.height + 1, timeMs: head.timeMs + 1, proposer: engine.validator),
                                                  transactions: verified, state: state, previousStateHash: prev)
            }
        }
        _ = finalized
        let key = DevnetKeys.validator()
        try time("FinalizeBlock + LMDB commit (whole block)") {
            _ = try engine.produceBlock(transactions: verified, timeMs: head.timeMs + 1, proposerKey: key)
        }
        return out
    }
}
