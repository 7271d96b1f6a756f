import SolventCore
import SolventStore

/// Re-executes a stored chain from genesis into a fresh store, checking every block's proposal
/// rules, app hash and receipts root, and that the replayed blocks are the stored ones
/// (`solventd replay`). Signatures are verified in parallel per block.
public enum ChainReplay {
    public struct Result: Sendable {
        public let blocks: UInt64
        public let transactions: Int
        public let appHash: Bytes32Text
        public let stateEntries: Int
    }

    /// Hex text of a 32-byte hash, for reports.
    public typealias Bytes32Text = String

    public static func run(source: ChainStore, into directory: String,
                           progress: (_ height: UInt64, _ total: UInt64, _ transactions: Int) -> Void) throws -> Result {
        let head = try source.head()
        let fresh = try ChainEngine.create(directory: directory, genesis: source.genesis)
        let genesisHead = try fresh.store.head()
        if head.height == 0 {
            guard genesisHead.appHash == head.appHash else {
                throw EngineError(.replayMismatch, "genesis app hash mismatch: stored \(head.appHash), recomputed \(genesisHead.appHash)")
            }
        }
        var transactions = 0
        var height: UInt64 = 1
        while height <= head.height {
            guard let block = try source.block(at: height) else { throw StoreError(.corrupt, "block \(height) is missing from the store") }
            let committed = try fresh.applyBlock(block)
            // Messages are not committed (blocks.md, "Receipts"): a build that words them otherwise
            // replays the same chain, so only the committed encodings are compared.
            let storedReceipts = try source.receipts(at: height).map { $0.committedEncoding() }
            guard storedReceipts == committed.receipts.map({ $0.committedEncoding() }),
                  try source.blockEvents(at: height) == committed.blockEvents else {
                throw EngineError(.replayMismatch, "block \(height): stored receipts differ from re-executed ones")
            }
            transactions += block.transactions.count
            progress(height, head.height, transactions)
            height += 1
        }
        let replayedHead = try fresh.store.head()
        guard replayedHead == head else {
            throw EngineError(.replayMismatch, "replayed head \(replayedHead.appHash) at \(replayedHead.height) differs from stored head \(head.appHash)")
        }
        let check = try fresh.store.recomputeStateHash()
        guard check.stored == check.recomputed else {
            throw EngineError(.replayMismatch, "replayed state hash does not match a full recomputation over the state tables")
        }
        let sourceCheck = try source.recomputeStateHash()
        guard sourceCheck.recomputed == check.recomputed else {
            throw EngineError(.replayMismatch, "the stored state tables differ from the replayed state (\(sourceCheck.entries) vs \(check.entries) entries)")
        }
        return Result(blocks: head.height, transactions: transactions, appHash: head.appHash.hex, stateEntries: check.entries)
    }
}
