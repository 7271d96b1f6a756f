import Dispatch
import SolventCore
import SolventStore
import Synchronization

/// Re-executes a stored chain from genesis into a fresh store, checking every block's proposal
/// rules, app hash and receipts root, and that the replayed blocks are the stored ones
/// (`solventd replay`). What a block carries in itself (its signature, its transactions'
/// decoding, root and signatures) is checked ahead, on another thread and in parallel across
/// cores, while the blocks before it execute (`VerifiedAhead`).
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
        // The fresh store is rebuilt from a durable one: it is flushed once, at the end.
        try fresh.store.environment.setSyncOnCommit(false)
        let genesisHead = try fresh.store.head()
        if head.height == 0 {
            guard genesisHead.appHash == head.appHash else {
                throw EngineError(.replayMismatch, "genesis app hash mismatch: stored \(head.appHash), recomputed \(genesisHead.appHash)")
            }
        }
        var transactions = 0
        var height: UInt64 = 1
        let ahead = VerifiedAhead(source: source, engine: fresh, through: head.height)
        defer { ahead.stop() }
        while height <= head.height {
            let (block, verified) = try ahead.next(height).get()
            let committed = try fresh.applyBlock(block, verifiedContents: verified)
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
        try fresh.store.environment.sync()
        try fresh.store.environment.setSyncOnCommit(true)
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

/// The stored blocks from height 1 on, read and with their contents verified
/// (`StateMachine.verifyContents`) on a thread of their own, at most `depth` blocks ahead of the
/// one executing; `next` hands them over in height order.
final class VerifiedAhead: Sendable {
    typealias Entry = Result<(Block, [VerifiedTransaction]), any Error>

    private let ready = Mutex<[UInt64: Entry]>([:])
    private let stopped = Atomic<Bool>(false)
    /// Free places ahead, items ready, and the reader's end.
    private let slots: DispatchSemaphore
    private let items = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(source: ChainStore, engine: ChainEngine, through last: UInt64, depth: Int = 32) {
        // Made at 0 and raised: libdispatch traps when a semaphore is freed below its initial value.
        slots = DispatchSemaphore(value: 0)
        for _ in 0..<depth { slots.signal() }
        DispatchQueue.global().async { [self] in
            defer { finished.signal() }
            var height: UInt64 = 1
            while height <= last {
                slots.wait()
                if stopped.load(ordering: .acquiring) { return }
                let entry: Entry = Result {
                    guard let block = try source.block(at: height) else {
                        throw StoreError(.corrupt, "block \(height) is missing from the store")
                    }
                    switch engine.machine.verifyContents(block, validator: engine.validator) {
                    case .success(let txs): return (block, txs)
                    case .failure(let error): throw EngineError(.blockRejected, "block \(height) rejected: \(error)")
                    }
                }
                ready.withLock { $0[height] = entry }
                items.signal()
                if case .failure = entry { return }
                height += 1
            }
        }
    }

    /// Block `height` and its verified transactions, or why it failed; waits for it. Heights
    /// are asked for in order, from 1.
    func next(_ height: UInt64) -> Entry {
        items.wait()
        let entry = ready.withLock { $0.removeValue(forKey: height) }
        slots.signal()
        guard let entry else { preconditionFailure("block \(height) asked for out of order") }
        return entry
    }

    /// Stops the reader and waits for it to end (it may hold a read of the source).
    func stop() {
        stopped.store(true, ordering: .releasing)
        slots.signal()
        finished.wait()
    }
}
