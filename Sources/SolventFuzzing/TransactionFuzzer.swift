@_spi(Fuzzing) import SolventCore
import SolventCrypto
import SolventDevnet

/// The transaction fuzzer's target (tools/fuzz, contracts-spec/limits.md): bytes become a
/// sequence of transactions, blocks and queries run on a chain that already has vaults with
/// positions, negative quotes, collateral, options, a portfolio vault, an isolated vault, resting
/// orders, a running collateral auction, liquidated vaults that may be auctioned and a bankrupt
/// vault whose liquidation ends in a socialized loss (StartingChain.swift). Signatures are
/// skipped, so the fuzzer acts as every key at once, the admin and the oracle signers included.
///
/// Each transaction goes through admission (CheckTx, on the mempool's check state) or, when
/// admission refuses it, through the dry run (`/v1/simulate`); admitted ones then execute in a
/// block (FinalizeBlock). After each block every vault is valued and probed the way the RPC
/// and the liquidation index do. A trap anywhere is the finding; so is a broken invariant:
/// conservation of every asset and market after every block, and a refusal that is not one of
/// the protocol's codes.
public enum TransactionFuzzer {
    /// A broken invariant (not a trap): the fuzzer's entry point turns it into a crash.
    public struct Violation: Error, CustomStringConvertible {
        public let description: String
    }

    /// What an input did, for showing what a corpus reaches: every receipt (of a block, or of the
    /// dry run of a transaction admission refused) and every event, block events included.
    public struct Observer {
        public var receipt: (Receipt) -> Void
        public var blockEvents: ([Event]) -> Void
        /// Every block the input commits, with its app hash and receipts root.
        public var block: (FinalizedBlock) -> Void
        public init(receipt: @escaping (Receipt) -> Void, blockEvents: @escaping ([Event]) -> Void,
                    block: @escaping (FinalizedBlock) -> Void = { _ in }) {
            self.receipt = receipt
            self.blockEvents = blockEvents
            self.block = block
        }
    }

    /// Runs one input. Throws only for a broken invariant; traps are the process's.
    public static func run(_ bytes: [UInt8], observe: Observer? = nil) throws(Violation) {
        var chain = FuzzChain(base: Setup.shared)
        chain.observe = observe
        var input = FuzzInput(bytes)
        var steps = 0
        while !input.isExhausted, steps < 64 {
            steps += 1
            try chain.step(&input)
        }
        try chain.commitBlock(advanceMs: 1_000)
        chain.queries(&input)
    }

    /// The state every input starts from, and what it holds.
    /// Built once per process; read (never written) by one thread at a time: libFuzzer and the
    /// corpus replay both run inputs one after another.
    final class Setup: @unchecked Sendable {
        static let shared = Setup()

        let genesis: Genesis
        let state: StateOverlay
        let stateHash: StateHash
        let height: UInt64
        let timeMs: UInt64
        let supply: [AssetID: Int128]
        /// Every account that sends: dev0...dev9, two whales holding near the protocol's largest
        /// amounts (indices 10 and 11), the admin (index `adminIndex`).
        let keys: [Address]
        let adminIndex: Int
        let markets: [UInt32]
        let oracleMarkets: [UInt32]

        private init() {
            var genesis = DevnetKeys.devnetGenesis()
            // A nearly empty insurance fund that trading fees do not refill, so that a deficit soon
            // exhausts it and auto-deleveraging runs.
            genesis.perps.insuranceFund = "10"
            genesis.perps.insuranceFeeSharePpm = 0
            // Two whales holding near the largest amounts, so that transactions can reach the
            // bounds: positions of 10^18 size units need a counterparty as rich as the taker.
            let whales = [DevnetKeys.account(99), DevnetKeys.account(98)]
            for (i, whale) in whales.enumerated() {
                genesis.accounts.append(.init(name: "whale\(i)", address: Address(whale.publicKey).text, wallet: [
                    .init(asset: "USDC", amount: "10000000000000000000000000000000"),
                    .init(asset: "BTC", amount: "100000000000000000000000000000"),
                    .init(asset: "ETH", amount: "10000000000000000000"),
                ]))
            }
            self.genesis = genesis
            let initial: StateOverlay
            do {
                initial = try genesis.initialState()
            } catch {
                fatalError("the fuzz genesis does not build: \(error)")
            }
            let changes = initial.changes()
            var hash = StateHash()
            for c in changes { hash.apply(c) }
            keys = (0..<DevnetKeys.accountCount).map { Address(DevnetKeys.account($0).publicKey) }
                + whales.map { Address($0.publicKey) } + [Address(DevnetKeys.admin().publicKey)]
            adminIndex = keys.count - 1
            markets = initial.perpMarkets().map(\.id)
            oracleMarkets = initial.entries(.oraclePrices, prefix: []).compactMap { e in
                BigEndianKey.id(e.key)
            }
            var chain = FuzzChain(genesisState: initial, stateHash: hash, timeMs: genesis.genesisTimeMs, keys: keys,
                                  adminIndex: adminIndex, markets: markets, oracleMarkets: oracleMarkets,
                                  supply: SupplyAudit.totals(initial), chainId: genesis.chainId)
            do {
                try chain.runSetup()
            } catch {
                fatalError("the fuzz setup broke an invariant: \(error)")
            }
            state = chain.committed
            stateHash = chain.stateHash
            height = chain.height
            timeMs = chain.timeMs
            supply = chain.supply
        }
    }
}
