import SolventCore
import SolventCrypto
import SolventStore

/// A block as committed, with what clients need to see of it.
public struct CommittedBlock: Sendable {
    public let block: Block
    /// Events of the block's own work (funding, settlement), before its transactions.
    public let blockEvents: [Event]
    public let receipts: [Receipt]
    public let transactions: [SignedTransaction]
    /// Whether executing the block depended on its time or height (see `FinalizedBlock`).
    public let contextDependent: Bool
    /// Every state entry the block changed, sorted by (table, key).
    public let changes: [StateChange]
    public var hash: Bytes32 { block.hash }
    public var height: UInt64 { block.header.height }
    public var head: ChainHead { ChainHead(after: block) }
}

/// A failure to execute or verify a block, with a stable code (errors.md, "solventd codes").
public typealias EngineError = CodedError<EngineErrorCode>

public struct EngineErrorCode: ErrorCodeName {
    public let name: String
    private init(_ name: String) { self.name = name }

    /// A block time not after the head's.
    public static let invalidBlockTime = EngineErrorCode("invalid_block_time")
    /// A block signed by a key that is not the chain's validator.
    public static let wrongProposer = EngineErrorCode("wrong_proposer")
    /// A block that fails ProcessProposal (blocks.md, "Validating a block").
    public static let blockRejected = EngineErrorCode("block_rejected")
    /// Re-execution gave another app hash or receipts root than the header carries.
    public static let appHashMismatch = EngineErrorCode("app_hash_mismatch")
    public static let receiptsMismatch = EngineErrorCode("receipts_mismatch")
    /// A replay that does not end where the stored chain does (storage.md, "Replay").
    public static let replayMismatch = EngineErrorCode("replay_mismatch")
    /// A stored genesis that no longer builds, or names no valid validator.
    public static let invalidGenesis = EngineErrorCode("invalid_genesis")
}

/// The state machine bound to a store: it executes blocks on the committed state and hands the
/// store what to commit. Producing a block (PrepareProposal's result executed, signed, committed),
/// applying a received one (ProcessProposal, re-execution, checks, commit), replay and dump
/// loading all go through here; the store only stores.
public final class ChainEngine: Sendable {
    public let store: ChainStore
    public let machine: StateMachine
    /// The chain's single validator, from genesis: the only key whose blocks are accepted.
    public let validator: Address

    public init(store: ChainStore) throws {
        guard let validator = store.genesis.validatorAddress else {
            throw EngineError(.invalidGenesis, "stored genesis has no valid validator key")
        }
        self.store = store
        self.machine = StateMachine(chainId: store.genesis.chainId)
        self.validator = validator
    }

    public var genesis: Genesis { store.genesis }
    public var chainId: String { store.genesis.chainId }

    /// Creates a data directory holding `genesis`'s state at height 0.
    public static func create(directory: String, genesis: Genesis, mapSize: Int = 64 << 30) throws -> ChainEngine {
        let (changes, stateHash) = try StateMachine.initChain(genesis)
        return try ChainEngine(store: try ChainStore.initialize(directory: directory, genesis: genesis, changes: changes,
                                                                stateHash: stateHash, mapSize: mapSize))
    }

    public static func open(directory: String, readOnly: Bool = false, mapSize: Int = 64 << 30) throws -> ChainEngine {
        try ChainEngine(store: try ChainStore.open(directory: directory, readOnly: readOnly, mapSize: mapSize))
    }

    /// Executes `transactions` as the next block at `timeMs` on the head's state, signs it with
    /// `proposerKey` and commits it; the commit also removes `journalKeys` (the mempool journal
    /// entries of `transactions`). The store refuses the commit if the head moved meanwhile.
    public func produceBlock(transactions: [VerifiedTransaction], journalKeys: [UInt64] = [], timeMs: UInt64,
                             proposerKey: PrivateKey) throws -> CommittedBlock {
        let proposer = Address(proposerKey.publicKey)
        guard proposer == validator else { throw EngineError(.wrongProposer, "the proposer key is not this chain's validator") }
        let (parent, finalized) = try store.withHeadState { state, head, stateHash in
            guard timeMs > head.timeMs else {
                throw EngineError(.invalidBlockTime, "block time \(timeMs) must be after the previous block's \(head.timeMs)")
            }
            let context = BlockContext(height: head.height + 1, timeMs: timeMs, proposer: proposer)
            return (head, machine.finalizeBlock(context, transactions: transactions, state: state, previousStateHash: stateHash))
        }
        let header = BlockHeader(
            chainId: chainId, height: parent.height + 1, timeMs: timeMs, previousHash: parent.blockHash,
            txCount: UInt32(transactions.count), txRoot: finalized.txRoot, receiptsRoot: finalized.receiptsRoot,
            appHash: finalized.appHash, proposer: proposer)
        let block = Block(header: header, signature: proposerKey.sign(header.signBytes),
                          transactions: transactions.map(\.signed.bytes))
        try store.commit(Self.write(block, finalized), onto: parent, journalKeys: journalKeys)
        return CommittedBlock(block: block, blockEvents: finalized.blockEvents, receipts: finalized.receipts,
                              transactions: transactions.map(\.signed),
                              contextDependent: finalized.contextDependent, changes: finalized.changes)
    }

    /// Validates `block` against the head (ProcessProposal), re-executes it and commits it only if
    /// the resulting app hash and receipts root equal the ones its header carries. This is how
    /// replay and dump loading verify a chain.
    public func applyBlock(_ block: Block) throws -> CommittedBlock {
        try apply(block, verifiedContents: nil)
    }

    /// Applies `block` whose contents were verified ahead of it (`StateMachine.verifyContents`,
    /// as a replay does while the blocks before it execute): only its links to the head are
    /// checked here, then it executes and commits as `applyBlock` would.
    public func applyBlock(_ block: Block, verifiedContents: [VerifiedTransaction]) throws -> CommittedBlock {
        try apply(block, verifiedContents: verifiedContents)
    }

    private func apply(_ block: Block, verifiedContents: [VerifiedTransaction]?) throws -> CommittedBlock {
        let (parent, verified, finalized) = try store.withHeadState { state, head, stateHash in
            let checked: Result<[VerifiedTransaction], StateMachine.ProposalError>
            if let verifiedContents {
                checked = machine.checkLinks(block.header, parentHash: head.blockHash, parentHeight: head.height, parentTimeMs: head.timeMs)
                    .map { .failure($0) } ?? .success(verifiedContents)
            } else {
                checked = machine.processProposal(block, parentHash: head.blockHash, parentHeight: head.height,
                                                  parentTimeMs: head.timeMs, validator: validator)
            }
            let verified: [VerifiedTransaction]
            switch checked {
            case .success(let txs): verified = txs
            case .failure(let error): throw EngineError(.blockRejected, "block \(block.header.height) rejected: \(error)")
            }
            let context = BlockContext(height: block.header.height, timeMs: block.header.timeMs, proposer: block.header.proposer)
            return (head, verified, machine.finalizeBlock(context, transactions: verified, state: state, previousStateHash: stateHash))
        }
        guard finalized.appHash == block.header.appHash else {
            throw EngineError(.appHashMismatch,
                              "block \(block.header.height): app hash mismatch (header \(block.header.appHash), re-executed \(finalized.appHash))")
        }
        guard finalized.receiptsRoot == block.header.receiptsRoot else {
            throw EngineError(.receiptsMismatch, "block \(block.header.height): receipts root mismatch")
        }
        try store.commit(Self.write(block, finalized), onto: parent)
        return CommittedBlock(block: block, blockEvents: finalized.blockEvents, receipts: finalized.receipts,
                              transactions: verified.map(\.signed),
                              contextDependent: finalized.contextDependent, changes: finalized.changes)
    }

    /// Re-executes every block of `dump` on this (freshly created) chain; each must reproduce its
    /// app hash (devnet.md, "Dump and load"). Calls `progress` after each block.
    public func load(_ dump: ChainDump.Decoded, progress: (UInt64, UInt64) -> Void = { _, _ in }) throws -> ChainHead {
        for block in dump.blocks {
            _ = try applyBlock(block)
            progress(block.header.height, UInt64(dump.blocks.count))
        }
        return try store.head()
    }

    private static func write(_ block: Block, _ finalized: FinalizedBlock) -> BlockWrite {
        BlockWrite(block: block, receipts: finalized.receipts, storedReceipts: finalized.storedReceipts,
                   blockEvents: finalized.blockEvents.isEmpty ? nil : StateMachine.blockReceipt(finalized.blockEvents),
                   changes: finalized.changes, stateHash: finalized.stateHash)
    }
}
