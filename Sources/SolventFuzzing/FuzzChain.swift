@_spi(Fuzzing) import SolventCore
import SolventCrypto
import SolventDevnet

/// A chain in memory: committed state, the mempool's check state, the block being filled.
struct FuzzChain {
    let machine: StateMachine
    let chainId: String
    let keys: [Address]
    let adminIndex: Int
    let markets: [UInt32]
    let oracleMarkets: [UInt32]
    let supply: [AssetID: Int128]
    let proposer = Address(DevnetKeys.validator().publicKey)
    var committed: StateOverlay
    var check: StateOverlay
    var stateHash: StateHash
    var height: UInt64 = 0
    var timeMs: UInt64
    var pending: [VerifiedTransaction] = []
    var observe: TransactionFuzzer.Observer?

    init(genesisState: StateOverlay, stateHash: StateHash, timeMs: UInt64, keys: [Address], adminIndex: Int,
         markets: [UInt32], oracleMarkets: [UInt32], supply: [AssetID: Int128], chainId: String) {
        self.machine = StateMachine(chainId: chainId)
        self.chainId = chainId
        self.keys = keys
        self.adminIndex = adminIndex
        self.markets = markets
        self.oracleMarkets = oracleMarkets
        self.supply = supply
        self.committed = genesisState
        self.check = StateOverlay(base: genesisState)
        self.stateHash = stateHash
        self.timeMs = timeMs
    }

    init(base: TransactionFuzzer.Setup) {
        let committed = StateOverlay(base: base.state)
        self.init(genesisState: committed, stateHash: base.stateHash, timeMs: base.timeMs, keys: base.keys,
                  adminIndex: base.adminIndex, markets: base.markets, oracleMarkets: base.oracleMarkets, supply: base.supply,
                  chainId: base.genesis.chainId)
        self.height = base.height
    }

    var nextContext: BlockContext { BlockContext(height: height + 1, timeMs: timeMs + 1_000, proposer: proposer) }

    // MARK: Transactions

    /// Admits `action` from `keys[sender]` with its next nonce; a refusal is dry-run instead.
    mutating func submit(_ sender: Int, _ action: TxAction) throws(TransactionFuzzer.Violation) {
        let address = keys[sender % keys.count]
        let nonce = check.account(address)?.nonce ?? 0
        let tx = Transaction(chainId: chainId, sender: address, nonce: nonce, action: action)
        let body = tx.body()
        submitBytes(body + [UInt8](repeating: 0, count: 64))
    }

    /// Decodes `bytes` as a signed transaction (its signature unchecked) and admits it.
    mutating func submitBytes(_ bytes: [UInt8]) {
        let signed: SignedTransaction
        do {
            signed = try TxCodec.decode(bytes)
        } catch {
            return
        }
        let tx = VerifiedTransaction.unverified(signed)
        if machine.checkTx(tx, state: check, context: nextContext) == nil {
            pending.append(tx)
        } else {
            // The dry run (the code /v1/simulate runs), on the mempool's view so that the sender's
            // nonce there is the one this transaction carries and the action itself is tried.
            let dry = machine.simulate(tx, context: nextContext, state: check)
            observe?.receipt(dry.receipt)
        }
    }

    /// Executes the pending transactions in a block `advanceMs` after the last one, commits it,
    /// and checks conservation.
    mutating func commitBlock(advanceMs: UInt64) throws(TransactionFuzzer.Violation) {
        height += 1
        // Block times stop at the protocol's latest time (limits.md); a proposer cannot go past it.
        let (later, overflow) = timeMs.addingReportingOverflow(max(1, advanceMs))
        timeMs = overflow ? Limits.maxTimeMs : min(later, Limits.maxTimeMs)
        let context = BlockContext(height: height, timeMs: timeMs, proposer: proposer)
        let result = machine.finalizeBlock(context, transactions: pending, state: committed, previousStateHash: stateHash)
        for change in result.changes {
            if let new = change.new { committed.put(change.key.table, change.key.key, new) } else { committed.delete(change.key.table, change.key.key) }
        }
        stateHash = result.stateHash
        pending = []
        if let observe {
            observe.blockEvents(result.blockEvents)
            result.receipts.forEach(observe.receipt)
            observe.block(result)
        }
        check = StateOverlay(base: committed)
        for receipt in result.receipts where receipt.code != nil {
            guard ProtocolError.Code.all.contains(receipt.code!) else {
                throw .init(description: "receipt code \(receipt.code!) is not a protocol code")
            }
        }
        let audit = SupplyAudit.audit(committed, genesis: supply)
        guard audit.holds else {
            throw .init(description: "conservation broken after block \(height): \(audit)")
        }
    }
}
