import SolventCrypto
import Synchronization

/// What execution needs to know about the block it runs in. Block time comes from here only;
/// the state machine never reads a clock.
public struct BlockContext: Sendable {
    public let height: UInt64
    public let timeMs: UInt64
    public let proposer: Address
    /// Work computed once per block and reused by later transactions of the same block.
    public let memo: BlockMemo

    public init(height: UInt64, timeMs: UInt64, proposer: Address, memo: BlockMemo = BlockMemo()) {
        self.height = height
        self.timeMs = timeMs
        self.proposer = proposer
        self.memo = memo
    }
}

/// Derived data a block computes at most once: the ADL queue of a market side is ranked the
/// first time a transaction of the block needs it (on the state as it is at that point) and
/// kept for the rest of the block, with a cursor past the entries already used up
/// (insurance-and-adl.md, "Auto-deleveraging"). Deterministic: every node executes the same
/// transactions in the same order.
public final class BlockMemo: Sendable {
    struct QueueKey: Hashable { let market: UInt32; let long: Bool }
    private let queues = Mutex<[QueueKey: (queue: [AutoDeleveraging.Standing], cursor: Int)]>([:])

    public init() {}

    /// The side's queue and the index of its first entry not yet used up.
    func adlQueue(market: UInt32, long: Bool, rank: () -> [AutoDeleveraging.Standing]) -> (queue: [AutoDeleveraging.Standing], cursor: Int) {
        let key = QueueKey(market: market, long: long)
        if let q = queues.withLock({ $0[key] }) { return q }
        let q = rank()
        queues.withLock { $0[key] = (q, 0) }
        return (q, 0)
    }

    /// Entries before `cursor` have nothing left to give for the rest of the block.
    func advanceADL(market: UInt32, long: Bool, to cursor: Int) {
        queues.withLock { $0[QueueKey(market: market, long: long)]?.cursor = cursor }
    }
}

/// The result of executing a block, before it is committed.
public struct FinalizedBlock: Sendable {
    /// Events of the block's own work (funding), before its transactions; empty in most blocks.
    public let blockEvents: [Event]
    public let receipts: [Receipt]
    /// Each receipt's stored encoding (`Receipt.encoded()`), made once for the receipts root and
    /// the store.
    public let storedReceipts: [[UInt8]]
    /// Every state entry the block changed, sorted by (table, key).
    public let changes: [StateChange]
    public let stateHash: StateHash
    public let appHash: Bytes32
    public let txRoot: Bytes32
    public let receiptsRoot: Bytes32
    /// Whether anything in the block depended on the block's time or height (not only on state
    /// and transactions): the mempool cannot assume its admission checks saw what the block did.
    public let contextDependent: Bool
}

/// The deterministic state machine, shaped like CometBFT's ABCI++ so that a BFT engine could
/// drive it in place of the single-validator node: `initChain`, `checkTx` (mempool admission),
/// `prepareProposal`, `processProposal`, `finalizeBlock`; the store performs `commit`.
/// It holds no state of its own: state comes in as a `StateReader`, changes go out as a list.
public struct StateMachine: Sendable {
    public let chainId: String

    public init(chainId: String) {
        self.chainId = chainId
    }

    // MARK: InitChain

    /// The genesis state's entries and hash.
    public static func initChain(_ genesis: Genesis) throws(GenesisError) -> (changes: [StateChange], stateHash: StateHash) {
        let state = try genesis.initialState()
        let changes = state.changes()
        var hash = StateHash()
        hash.apply(changes)
        return (changes, hash)
    }

    // MARK: CheckTx

    /// Mempool admission: runs the transaction against `state` (committed state plus everything
    /// already admitted), in `context` (the node's estimate of the next block), and keeps its
    /// effect there when it succeeds. A refusal changes nothing.
    public func checkTx(_ tx: VerifiedTransaction, state: StateOverlay, context: BlockContext) -> ProtocolError? {
        let t = tx.transaction
        guard t.chainId == chainId else { return wrongChain(t.chainId) }
        guard let account = state.account(t.sender) else {
            return ProtocolError(.accountNotFound, "account \(t.sender) does not exist (it has never received funds)")
        }
        if let error = nonceError(t.nonce, expected: account.nonce) { return error }
        state.begin()
        do {
            _ = try apply(t, context: context, state: state)
        } catch {
            state.rollback()
            return error
        }
        bumpNonce(t.sender, state)
        state.commit()
        return nil
    }

    // MARK: PrepareProposal

    /// Chooses the block's transactions from mempool candidates (already in admission order)
    /// within the block limits in `params`.
    public func prepareProposal(candidates: [VerifiedTransaction], params: Params) -> [VerifiedTransaction] {
        var chosen = [VerifiedTransaction]()
        var bytes = 0
        for tx in candidates {
            guard chosen.count < Int(params.maxBlockTransactions),
                  bytes + tx.signed.bytes.count <= Int(params.maxBlockBytes) else { break }
            bytes += tx.signed.bytes.count
            chosen.append(tx)
        }
        return chosen
    }

    // MARK: ProcessProposal

    public enum ProposalError: Error, Equatable, CustomStringConvertible {
        case header(String)
        case transaction(index: Int, ProtocolError)

        public var description: String {
            switch self {
            case .header(let m): return m
            case .transaction(let i, let e): return "transaction \(i): \(e)"
            }
        }
    }

    /// Checks a proposed block before executing it: it extends `parent` (hash, height, later
    /// time), comes from `validator` with a valid signature, and every transaction decodes, is for
    /// this chain and is correctly signed (checked in parallel across cores). Returns the
    /// verified transactions in block order.
    public func processProposal(_ block: Block, parentHash: Bytes32, parentHeight: UInt64, parentTimeMs: UInt64,
                                validator: Address) -> Result<[VerifiedTransaction], ProposalError> {
        if let failure = checkLinks(block.header, parentHash: parentHash, parentHeight: parentHeight, parentTimeMs: parentTimeMs) {
            return .failure(failure)
        }
        return verifyContents(block, validator: validator)
    }

    /// The part of ProcessProposal that needs the parent: the block is for this chain and follows
    /// it in height, hash and time. Nil when it does.
    public func checkLinks(_ h: BlockHeader, parentHash: Bytes32, parentHeight: UInt64, parentTimeMs: UInt64) -> ProposalError? {
        guard h.chainId == chainId else { return .header("block is for chain \(h.chainId), not \(chainId)") }
        guard h.height == parentHeight + 1 else { return .header("block height \(h.height) does not follow \(parentHeight)") }
        guard h.previousHash == parentHash else { return .header("block \(h.height) does not extend its parent") }
        guard h.timeMs > parentTimeMs else {
            return .header("block \(h.height) time \(h.timeMs) is not after its parent's \(parentTimeMs)")
        }
        return nil
    }

    /// The part of ProcessProposal a block carries in itself, which a replay checks ahead of
    /// execution (storage.md, "Replay"): chain, time bound, the validator's signature, the count,
    /// decoding and root of its transactions, and their signatures.
    public func verifyContents(_ block: Block, validator: Address) -> Result<[VerifiedTransaction], ProposalError> {
        let h = block.header
        guard h.chainId == chainId else { return .failure(.header("block is for chain \(h.chainId), not \(chainId)")) }
        guard h.timeMs <= Limits.maxTimeMs else {
            return .failure(.header("block \(h.height) time \(h.timeMs) is after the latest block time, \(Limits.maxTimeMs) (limits.md)"))
        }
        guard h.proposer == validator, block.verifySignature() else {
            return .failure(.header("block \(h.height) is not signed by the validator"))
        }
        guard Int(h.txCount) == block.transactions.count else {
            return .failure(.header("block \(h.height) transaction count does not match its header"))
        }
        var decoded = [SignedTransaction]()
        decoded.reserveCapacity(block.transactions.count)
        for (i, bytes) in block.transactions.enumerated() {
            do {
                let tx = try TxCodec.decode(bytes)
                guard tx.transaction.chainId == chainId else { return .failure(.transaction(index: i, wrongChain(tx.transaction.chainId))) }
                decoded.append(tx)
            } catch {
                return .failure(.transaction(index: i, error))
            }
        }
        guard MerkleRoot.of(decoded.map(\.hash)) == h.txRoot else {
            return .failure(.header("block \(h.height) transaction root does not match its transactions"))
        }
        var out = [VerifiedTransaction]()
        out.reserveCapacity(decoded.count)
        for (i, result) in VerifiedTransaction.verifyAll(decoded).enumerated() {
            switch result {
            case .success(let v): out.append(v)
            case .failure(let e): return .failure(.transaction(index: i, e))
            }
        }
        return .success(out)
    }

    // MARK: FinalizeBlock

    /// Executes the block's transactions in order on top of `state` and returns receipts, the
    /// sorted state changes and the new state hash. Pure: nothing is written anywhere.
    public func finalizeBlock(_ context: BlockContext, transactions: [VerifiedTransaction], state: any StateReader,
                              previousStateHash: StateHash) -> FinalizedBlock {
        let block = StateOverlay(base: state)
        // Begin-block: funding samples and payments fall due by block time, before any transaction.
        var blockEvents = Funding.beginBlock(context, state: block) + Settlement.beginBlock(context, state: block)
        DepthAddOns.beginBlock(context, state: block)
        blockEvents += DynamicHaircuts.beginBlock(context, state: block)
        PriceHistory.beginBlock(context, state: block)
        var receipts = [Receipt]()
        receipts.reserveCapacity(transactions.count)
        for tx in transactions {
            receipts.append(deliverTx(tx, context: context, state: block))
        }
        let changes = block.changes()
        var hash = previousStateHash
        hash.apply(changes)
        let stored = receipts.map { $0.encoded() }
        var leaves = zip(receipts, stored).map { receipt, bytes in
            bytes.withUnsafeBytes { SHA256.hash(UnsafeRawBufferPointer(rebasing: $0[..<receipt.committedCount(storedCount: bytes.count)])) }
        }
        if !blockEvents.isEmpty { leaves.insert(SHA256.hash(Self.blockReceipt(blockEvents).committedEncoding()), at: 0) }
        return FinalizedBlock(
            blockEvents: blockEvents, receipts: receipts, storedReceipts: stored, changes: changes, stateHash: hash, appHash: hash.appHash,
            txRoot: MerkleRoot.of(transactions.map(\.hash)),
            receiptsRoot: MerkleRoot.of(leaves),
            contextDependent: !blockEvents.isEmpty || transactions.contains { $0.transaction.action.dependsOnBlockContext })
    }

    /// The receipts root (blocks.md): RFC 6962 root over SHA-256 of each encoded receipt, preceded,
    /// when the block's own work emitted events, by the block receipt (transaction hash of 32 zero
    /// bytes, success, those events). `finalizeBlock` computes the same from the stored encodings.
    public static func receiptsRoot(blockEvents: [Event], receipts: [Receipt]) -> Bytes32 {
        var leaves = receipts.map { SHA256.hash($0.committedEncoding()) }
        if !blockEvents.isEmpty { leaves.insert(SHA256.hash(blockReceipt(blockEvents).committedEncoding()), at: 0) }
        return MerkleRoot.of(leaves)
    }

    public static func blockReceipt(_ events: [Event]) -> Receipt {
        Receipt(txHash: .zero, code: nil, message: "", events: events)
    }

    /// One transaction inside a block. A transaction with the wrong chain or nonce changes
    /// nothing; one whose action fails still uses its nonce (so it cannot be replayed) and
    /// changes nothing else (contracts-spec/transactions.md, "Nonces").
    func deliverTx(_ tx: VerifiedTransaction, context: BlockContext, state: StateOverlay) -> Receipt {
        let t = tx.transaction
        guard t.chainId == chainId else { return .failure(tx.hash, wrongChain(t.chainId)) }
        guard let account = state.account(t.sender) else {
            return .failure(tx.hash, ProtocolError(.accountNotFound, "account \(t.sender) does not exist"))
        }
        if let error = nonceError(t.nonce, expected: account.nonce) { return .failure(tx.hash, error) }
        state.begin()
        let receipt: Receipt
        do {
            receipt = .success(tx.hash, try apply(t, context: context, state: state))
            state.commit()
        } catch {
            state.rollback()
            receipt = .failure(tx.hash, error)
        }
        bumpNonce(t.sender, state)
        return receipt
    }

    private func apply(_ t: Transaction, context: BlockContext, state: StateOverlay) throws(ProtocolError) -> [Event] {
        switch t.action {
        case let .send(to, asset, amount):
            return try Transfers.send(from: t.sender, to: to, assetID: asset, amount: amount, state: state)
        case let .deposit(vault, asset, amount):
            return try Transfers.deposit(owner: t.sender, number: vault, assetID: asset, amount: amount, state: state)
        case let .withdraw(vault, asset, amount):
            return try Transfers.withdraw(owner: t.sender, number: vault, assetID: asset, amount: amount, context: context, state: state)
        case let .oracleUpdate(market, reports):
            return try OracleUpdate.apply(market: market, reports: reports, context: context, state: state)
        case let .oracleAddSigner(signer):
            return try OracleAdmin.addSigner(signer, by: t.sender, state: state)
        case let .oracleRemoveSigner(signer):
            return try OracleAdmin.removeSigner(signer, by: t.sender, state: state)
        case let .oracleSetSettings(settings):
            return try OracleAdmin.setSettings(settings, by: t.sender, state: state)
        case let .vaultOpen(vault, mode):
            return try Transfers.openVault(owner: t.sender, number: vault, mode: mode, state: state)
        case let .orderPlace(request):
            return try Matching.place(request, owner: t.sender, context: context, state: state)
        case let .orderCancel(id):
            return try Matching.cancel(id: id, by: t.sender, state: state)
        case let .orderCancelAll(vault, market):
            return try Matching.cancelAll(vault: vault, market: market, by: t.sender, state: state)
        case let .marketList(params):
            return try MarketAdmin.list(params, by: t.sender, context: context, state: state)
        case let .marketUpdate(params):
            return try MarketAdmin.update(params, by: t.sender, state: state)
        case let .marketSetOiCaps(market, lower, upper):
            return try MarketAdmin.setOpenInterestCaps(market: market, lower: lower, upper: upper, by: t.sender, state: state)
        case let .oracleSetSurface(base, points):
            return try OracleAdmin.setSurface(base: base, points: points, by: t.sender, state: state)
        case let .assetSetYield(asset, apr, writedown):
            return try CollateralAdmin.setYield(asset: asset, aprPpm: apr, writedownPpm: writedown, by: t.sender, context: context, state: state)
        case let .assetSetHaircutRule(settings):
            return try CollateralAdmin.setHaircutRule(settings, by: t.sender, context: context, state: state)
        case let .marketSetDepthAddon(market, band, window, addon):
            return try MarketAdmin.setDepthAddOn(market: market, bandPpm: band, windowMs: window, addonPpm: addon, by: t.sender,
                                                 context: context, state: state)
        case let .liquidate(owner, vault, market, keeperVault):
            return try Liquidation.liquidate(owner: owner, vault: vault, market: market, keeperVault: keeperVault, sender: t.sender,
                                             context: context, state: state)
        case let .liquidationSetConfig(settings):
            return try SettingsAdmin.set(settings, by: t.sender, state: state)
        case let .oracleOverride(market, price):
            return try OracleAdmin.override(market: market, price: price, by: t.sender, context: context, state: state)
        case let .auctionStart(owner, vault, asset, keeperVault):
            return try CollateralAuction.start(owner: owner, vault: vault, asset: asset, keeperVault: keeperVault, sender: t.sender,
                                               context: context, state: state)
        case let .auctionTake(owner, vault, asset, amount, maxPrice, takerVault):
            return try CollateralAuction.take(owner: owner, vault: vault, asset: asset, amount: amount, maxPrice: maxPrice,
                                              takerVault: takerVault, sender: t.sender, context: context, state: state)
        case let .auctionRedo(owner, vault, asset):
            return try CollateralAuction.redo(owner: owner, vault: vault, asset: asset, context: context, state: state)
        case let .auctionSetConfig(settings):
            return try SettingsAdmin.set(settings, by: t.sender, state: state)
        }
    }

    // MARK: Simulation

    /// What `tx` would do on top of `state` in `context`: its receipt and the changes it would
    /// make, with nothing written anywhere (the RPC's dry run).
    public func simulate(_ tx: VerifiedTransaction, context: BlockContext, state: any StateReader) -> (receipt: Receipt, changes: [StateChange]) {
        let overlay = StateOverlay(base: state)
        let receipt = deliverTx(tx, context: context, state: overlay)
        return (receipt, overlay.changes())
    }

    private func bumpNonce(_ sender: Address, _ state: StateOverlay) {
        var account = state.account(sender)!
        account.nonce += 1
        state.putAccount(sender, account)
    }

    private func nonceError(_ nonce: UInt64, expected: UInt64) -> ProtocolError? {
        if expected == UInt64.max {
            return ProtocolError(.nonceTooHigh, "this account has used every nonce and can send no more transactions")
        }
        if nonce < expected {
            return ProtocolError(.nonceTooLow, "nonce \(nonce) was already used; the account's next nonce is \(expected)")
        }
        if nonce > expected {
            return ProtocolError(.nonceTooHigh, "nonce \(nonce) is ahead of the account's next nonce \(expected)")
        }
        return nil
    }

    private func wrongChain(_ id: String) -> ProtocolError {
        ProtocolError(.wrongChainId, "transaction is signed for chain '\(id)', this chain is '\(chainId)'")
    }
}
