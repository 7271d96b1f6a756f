@_spi(Fuzzing) import SolventCore
import SolventCrypto

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
                e.key.count == 4 ? e.key.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } : nil
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

    // MARK: Steps

    mutating func step(_ input: inout FuzzInput) throws(TransactionFuzzer.Violation) {
        let sender = input.pick(keys.count)
        // Below 224 (14 × 16) each case keeps the bytes it had before the auctions existed, so that
        // the corpus keeps its meaning; the 32 values from 224 are the auction transactions.
        let choice = input.u8()
        if choice >= 224 {
            try auctionStep(sender, &input)
            return
        }
        switch choice % 14 {
        case 0:
            // Raw bytes after a valid header: the decoder and every kind's payload.
            let address = keys[sender]
            let nonce = check.account(address)?.nonce ?? 0
            var w = [UInt8(1), UInt8(chainId.utf8.count)] + Array(chainId.utf8) + address.key.bytes
            withUnsafeBytes(of: nonce.littleEndian) { w += $0 }
            let length = Int(input.u8()) + Int(input.u8() % 2) * 256
            submitBytes(w + input.bytes(length) + [UInt8](repeating: 0, count: 64))
        case 1, 2, 3:
            try submit(sender, .orderPlace(order(&input)))
        case 4:
            try submit(sender, .deposit(vault: UInt32(input.u8() % 4), asset: AssetID(input.u8() % 4), amount: input.interesting(UInt128.self, unit: 1_000_000)))
        case 5:
            // Half the time from a vault that exists, by its owner: vaults below zero among them.
            let vaults = committed.entries(.vaults, prefix: []).compactMap { VaultID(key: $0.key) }
            if input.bool(), !vaults.isEmpty {
                let v = vaults[input.pick(vaults.count)]
                if let owner = keys.firstIndex(of: v.owner) {
                    try submit(owner, .withdraw(vault: v.number, asset: AssetID(input.u8() % 3), amount: input.interesting(UInt128.self, unit: 1_000_000)))
                    return
                }
            }
            try submit(sender, .withdraw(vault: UInt32(input.u8() % 4), asset: AssetID(input.u8() % 4), amount: input.interesting(UInt128.self, unit: 1_000_000)))
        case 6:
            try submit(sender, .send(to: keys[input.pick(keys.count)], asset: AssetID(input.u8() % 4), amount: input.interesting(UInt128.self, unit: 1_000_000)))
        case 7:
            // Mostly an existing position (a keeper's guess is rarely that good by chance).
            let held = committed.entries(.positions, prefix: [])
            if !held.isEmpty, input.u8() % 4 != 0, let vault = VaultID(key: Array(held[input.pick(held.count)].key.prefix(36))) {
                let key = held.first { $0.key.starts(with: vault.key) }!.key
                let market = key.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                try submit(sender, .liquidate(owner: vault.owner, vault: vault.number, market: market, keeperVault: UInt32(input.u8() % 2)))
            } else {
                let owner = keys[input.pick(keys.count)]
                try submit(sender, .liquidate(owner: owner, vault: UInt32(input.u8() % 3), market: market(&input), keeperVault: UInt32(input.u8() % 3)))
            }
        case 8:
            // A price set directly (the devnet admin's override): mostly a move from the current
            // price (−50% to +77%, in 0.5% steps), sometimes any value.
            let oracle = oracleMarkets[input.pick(oracleMarkets.count)]
            var price = input.interesting(UInt64.self, unit: 100_000_000)
            if input.u8() % 4 != 0, let current = check.oracleMarket(oracle), current.hasPrice {
                let step = Int64(input.u8()) - 100
                price = RiskShock.movedPrice(current.price, ppm: step * 5_000)
            }
            try submit(adminIndex, .oracleOverride(market: oracle, price: price))
        case 9:
            try commitBlock(advanceMs: blockGap(&input))
        case 10:
            try submit(sender, .vaultOpen(vault: UInt32(input.u8() % 4), mode: [.cross, .portfolio, .isolated(market: market(&input))][input.pick(3)]))
        case 11:
            if input.bool() {
                try submit(sender, .orderCancel(orderID: UInt64(input.u8())))
            } else {
                try submit(sender, .orderCancelAll(vault: UInt32(input.u8() % 3), market: market(&input)))
            }
        case 12:
            try adminChange(&input)
        default:
            queries(&input)
        }
    }

    func market(_ input: inout FuzzInput) -> UInt32 {
        input.u8() % 8 == 0 ? UInt32(input.u8()) : markets[input.pick(markets.count)]
    }

    mutating func order(_ input: inout FuzzInput) -> OrderRequest {
        let market = market(&input)
        let params = check.perpMarket(market)?.params
        let side: Side = input.bool() ? .buy : .sell
        let kind: OrderRequest.Kind = input.u8() % 3 == 0 ? .market : .limit
        let tif = TimeInForce(rawValue: input.u8() % 3) ?? .goodTillCancelled
        let size = input.interesting(UInt64.self, unit: params?.stepSize ?? 1)
        // Around the oracle price most of the time, so orders meet the book.
        var price = input.interesting(UInt64.self, unit: params?.tickSize ?? 1)
        if let params, input.u8() % 4 != 0, let oracle = check.oracleMarket(params.oracleMarket), oracle.hasPrice {
            // Within ±12.8% of the oracle (of the underlying, for an option: a wide net), on the tick.
            let tick = max(params.tickSize, 1)
            let moved = RiskShock.movedPrice(oracle.price, ppm: (Int64(input.u8()) - 128) * 1_000)
            price = max(moved / tick, 1) &* tick
            if case .option = params.instrument { price = max(moved / 4 / tick, 1) &* tick }
        }
        return OrderRequest(vault: UInt32(input.u8() % 3), market: market, side: side, kind: kind,
                            timeInForce: kind == .market ? .immediateOrCancel : tif, reduceOnly: input.u8() % 5 == 0, size: size, price: price)
    }

    /// Mostly seconds to minutes (prices stay fresh for 60 s), sometimes an hour (funding), days
    /// to years (expiries, missed intervals) or anything.
    func blockGap(_ input: inout FuzzInput) -> UInt64 {
        switch input.u8() % 16 {
        case 0: return 1
        case 1: return 60_000
        case 2: return 3_600_000
        case 3: return UInt64(input.raw(UInt16.self)) * 3_600_000
        case 4: return input.interesting(UInt64.self)
        default: return UInt64(input.raw(UInt16.self))
        }
    }

    /// The admin changing a market, the liquidation settings or the oracle settings, one field
    /// set to an interesting value or near the limit a rule sets it.
    mutating func adminChange(_ input: inout FuzzInput) throws(TransactionFuzzer.Violation) {
        switch input.u8() % 3 {
        case 0:
            guard var p = check.perpMarket(market(&input))?.params else { return }
            let field = input.u8() % 14
            switch field {
            case 0: p.tickSize = input.interesting(UInt64.self)
            case 1: p.stepSize = input.interesting(UInt64.self)
            case 2: p.minOrderSize = input.interesting(UInt64.self)
            case 3: p.makerFeePpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self))
            case 4: p.takerFeePpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self))
            case 5: if !p.tiers.isEmpty { p.tiers[0].maxNotional = input.interesting(UInt128.self, unit: 1_000_000) }
            case 6: if !p.tiers.isEmpty { p.tiers[p.tiers.count - 1].initialPpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self)) }
            case 7:
                // The last tier at any rate, or the first near the liquidation fee plus the backstop
                // discount, which it must stay above (liquidation.md, "Soundness").
                guard !p.tiers.isEmpty else { break }
                if input.bool() {
                    let s = check.liquidationSettings()
                    p.tiers[0].maintenancePpm = input.near([s.feePpm &+ s.backstopDiscountPpm])
                } else {
                    p.tiers[p.tiers.count - 1].maintenancePpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self))
                }
            case 8: p.fundingIntervalMs = input.interesting(UInt64.self)
            case 9: p.fundingSampleIntervalMs = input.interesting(UInt64.self)
            case 10: p.fundingRateCapPpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self))
            case 11: p.impactNotional = input.interesting(UInt128.self, unit: 1_000_000)
            case 12: p.active.toggle()
            default:
                if case .option(let expiry, _, let call, let vol) = p.instrument {
                    p.instrument = .option(expiryMs: expiry, strike: input.interesting(UInt64.self, unit: 100_000_000), isCall: call, volOracle: vol)
                } else if case .future = p.instrument {
                    p.instrument = .future(expiryMs: timeMs &+ blockGap(&input))
                }
            }
            if input.bool() {
                p.id = UInt32(input.u8()) + 100
                p.symbol = "FZ-\(p.id)"
                if case .option(_, let strike, let call, let vol) = p.instrument {
                    p.instrument = .option(expiryMs: timeMs &+ blockGap(&input), strike: strike, isCall: call, volOracle: vol)
                }
                try submit(adminIndex, .marketList(p))
            } else {
                try submit(adminIndex, .marketUpdate(p))
            }
        case 1:
            var s = check.liquidationSettings()
            // Fee + discount must stay below every market's lowest maintenance rate and the
            // portfolio closeout's (liquidation.md, "Soundness"): the rates that put the sum there.
            let portfolio = check.portfolioSettings()
            let limits = check.perpMarkets().compactMap { $0.params.tiers.first?.maintenancePpm }
                + [UInt32(UInt64(portfolio.maintenancePpm) * UInt64(portfolio.closeoutPpm) / 1_000_000)]
            switch input.u8() % 9 {
            case 0: s.feePpm = input.near(limits.map { $0 &- s.backstopDiscountPpm })
            case 1: s.maxFee = input.interesting(UInt128.self, unit: 1_000_000)
            case 2: s.keeperTip = input.interesting(UInt128.self, unit: 1_000_000)
            case 3: s.keeperSharePpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self))
            case 4: s.maxBounty = input.interesting(UInt128.self, unit: 1_000_000)
            case 5: s.bufferPpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self))
            case 6: s.maxPositionNotionalPerBlock = input.interesting(UInt128.self, unit: 1_000_000)
            case 7: s.maxVaultNotionalPerBlock = input.interesting(UInt128.self, unit: 1_000_000)
            default: s.backstopDiscountPpm = input.near(limits.map { $0 &- s.feePpm })
            }
            try submit(adminIndex, .liquidationSetConfig(s))
        default:
            guard var s = check.oracleConfig()?.settings else { return }
            switch input.u8() % 6 {
            case 0: s.quorum = input.u8()
            case 1: s.maxReportAgeMs = input.interesting(UInt64.self)
            case 2: s.maxFutureSkewMs = input.interesting(UInt64.self)
            case 3: s.minUpdateIntervalMs = input.interesting(UInt64.self)
            case 4: s.maxMovePpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self))
            default: s.staleAfterMs = input.interesting(UInt64.self)
            }
            try submit(adminIndex, .oracleSetSettings(s))
        }
    }

    // MARK: Queries

    /// What the RPC, the keeper probes and the liquidation index compute: on every vault or on
    /// one, as the input chooses (the full set is slow, and speed is coverage).
    mutating func queries(_ input: inout FuzzInput) {
        var vaults = committed.entries(.vaults, prefix: []).compactMap { VaultID(key: $0.key) }
        let time = timeMs &+ 1_000
        let choice = input.u8()
        if choice & 1 == 0, !vaults.isEmpty { vaults = [vaults[input.pick(vaults.count)]] }
        for id in vaults {
            for prices in [Margin.Prices.latest, .freshOnly] {
                guard let risk = try? Margin.risk(of: id, state: committed, at: time, prices: prices) else { continue }
                Self.touch(risk)
                for p in risk.positions {
                    if let market = committed.perpMarket(p.market) {
                        _ = Margin.liquidationPrice(of: p, in: risk, tiers: market.params.tiers)
                    }
                }
                // RiskBands.compute(vault:) is this valuation at the latest prices, then the bands:
                // given the valuation already made, the same figures for a third less time.
                if prices == .latest, !risk.positions.isEmpty { _ = RiskBands.compute(risk: risk, state: committed) }
            }
        }
        if choice & 2 == 0 {
            let move = RiskShock.Move(oracleMarket: oracleMarkets[input.pick(oracleMarkets.count)],
                                      ppm: input.signedInteresting(Int64.self) % 100_000_001)
            if let report = try? RiskShock.run(moves: [move], candidates: vaults, state: committed, context: nextContext) {
                _ = (report.totalBounties, report.totalFees, report.fundDraw, report.adlNotional, report.closedNotional, report.adlSize)
            }
        }
        if choice & 4 == 0 {
            let market = markets[input.pick(markets.count)]
            _ = AutoDeleveraging.ranking(market: market, long: input.bool(), state: committed, at: time)
            for side in [Side.buy, .sell] { _ = OrderBook.depth(market: market, side: side, levels: 50, state: committed) }
        }
        if choice & 8 == 0 {
            // The auctions view (GET /v1/auctions): each running auction's price, whether it is
            // stale and what its lot costs; which of the vaults that owe USDC could be auctioned.
            let settings = committed.auctionSettings()
            for auction in committed.allAuctions() {
                let elapsed = time - min(time, auction.curveStartMs)
                let price = CollateralAuction.price(top: auction.top, elapsedMs: elapsed, settings: settings)
                _ = CollateralAuction.isStale(top: auction.top, price: price, elapsedMs: elapsed, settings: settings)
                if let asset = committed.asset(auction.asset) { _ = try? CollateralAuction.cost(auction.lot, price: price, decimals: asset.decimals) }
            }
            for id in vaults {
                guard let vault = committed.vault(id), vault.quote < 0 else { continue }
                for entry in vault.collateral.entries {
                    _ = try? CollateralAuction.eligibility(vault: id, asset: entry.asset, state: committed, at: time)
                }
            }
        }
    }

    /// Reads every derived figure of a vault's risk, as the views do.
    static func touch(_ risk: VaultRisk) {
        _ = (risk.equity, risk.initial, risk.maintenance, risk.freeCollateral, risk.marginRatioPpm, risk.isLiquidatable,
             risk.standaloneInitial, risk.standaloneMaintenance, risk.collateralValue, risk.unsettledFunding)
        for p in risk.positions { _ = (p.entryPrice, p.unrealizedPnl, p.notional) }
    }
}
