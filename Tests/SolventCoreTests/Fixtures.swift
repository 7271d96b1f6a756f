import SolventCore
import SolventCrypto
import SolventDevnet

/// Keys and a small genesis shared by the core tests.
enum Fixtures {
    static let alice = DevnetKeys.account(0)
    static let bob = DevnetKeys.account(1)
    static let carol = PrivateKey(seed: [UInt8](repeating: 3, count: 32))!
    static let usdc: AssetID = 0
    static let btc: AssetID = 1
    static let eth: AssetID = 2

    /// The devnet genesis with the insurance fund starting empty, as the worked examples of
    /// markets.md, liquidation.md and insurance-and-adl.md do ("the fund holds 42": half the fees
    /// of the first trade). The devnet itself seeds the fund (`DevnetKeys.devnetInsuranceFund`).
    static var genesis: Genesis {
        var g = DevnetKeys.devnetGenesis()
        g.perps.insuranceFund = "0"
        return g
    }

    /// The genesis state in memory, as a base for an overlay.
    static func genesisState(_ genesis: Genesis = genesis) throws -> MemoryState {
        let (changes, hash) = try StateMachine.initChain(genesis)
        return MemoryState(changes: changes, stateHash: hash)
    }

    static func tx(_ key: PrivateKey, nonce: UInt64, _ action: TxAction, chainId: String = DevnetKeys.devnetChainId) -> SignedTransaction {
        Transaction(chainId: chainId, sender: Address(key.publicKey), nonce: nonce, action: action).signed(with: key)
    }

    /// A block context for admission checks that do not depend on time.
    static let context = BlockContext(height: 1, timeMs: DevnetKeys.devnetGenesis().genesisTimeMs + 1_000,
                                      proposer: Address(DevnetKeys.validator().publicKey))

    static func verified(_ tx: SignedTransaction) -> VerifiedTransaction {
        try! VerifiedTransaction.verify(tx).get()
    }
}

/// An in-memory committed state: what the store does, minus LMDB, so the core is tested without files.
final class MemoryState: StateReader {
    private(set) var entries: [StateKey: [UInt8]] = [:]
    private(set) var stateHash: StateHash
    private(set) var height: UInt64 = 0
    private(set) var timeMs: UInt64 = Fixtures.genesis.genesisTimeMs

    init(changes: [StateChange], stateHash: StateHash) {
        self.stateHash = stateHash
        apply(changes)
    }

    func get(_ table: StateTable, _ key: [UInt8]) -> [UInt8]? { entries[StateKey(table, key)] }

    func scan(_ table: StateTable, prefix: [UInt8], from start: [UInt8]?, _ visit: ([UInt8], [UInt8]) -> Bool) {
        let first = start ?? prefix
        for key in entries.keys.filter({ $0.table == table && $0.key.starts(with: prefix) && !$0.key.lexicographicallyPrecedes(first) }).sorted() {
            if !visit(key.key, entries[key]!) { return }
        }
    }

    func apply(_ changes: [StateChange]) {
        for c in changes { entries[c.key] = c.new }
    }

    /// Executes and "commits" a block of transactions.
    /// Executes and "commits" a block of transactions, 1 s after the previous block unless `at` says when.
    @discardableResult
    func commitBlock(_ txs: [SignedTransaction], at time: UInt64? = nil,
                     machine: StateMachine = StateMachine(chainId: DevnetKeys.devnetChainId)) -> FinalizedBlock {
        height += 1
        timeMs = time ?? timeMs + 1000
        let result = machine.finalizeBlock(
            BlockContext(height: height, timeMs: timeMs, proposer: Address(DevnetKeys.validator().publicKey)),
            transactions: txs.map(Fixtures.verified), state: self, previousStateHash: stateHash)
        precondition(result.receipts.count == txs.count)
        apply(result.changes)
        stateHash = result.stateHash
        return result
    }
}
