import PropertyBased
import SolventCore
import SolventCrypto
import SolventDevnet
import Testing

/// liquidation.md, "Soundness": for every parameter set the chain accepts, a vault liquidated as
/// soon as it is liquidatable costs the insurance fund nothing.
///
/// Each case draws liquidation parameters, market tiers and portfolio parameters at random and
/// keeps them only if the chain's own checks accept them (market validation, the soundness rules
/// of `liquidation_set_config`, the portfolio validation). It then builds a cross, isolated or
/// portfolio vault of random perpetuals, futures and options at random prices, sets its quote so
/// that its equity is one quantum under its maintenance requirement (the first equity at which it
/// is liquidatable), and liquidates it on an empty book, block after block, until it is no longer
/// liquidatable or has no position. Every liquidation must end without a deficit, with the fund
/// no poorer, and the vault's equity never negative.
@Suite struct SoundnessPropertyTests {
    static let usd: Int128 = 1_000_000
    static let perps: [UInt32] = [1, 2, 3]                   // BTC-PERP, ETH-PERP, SOL-PERP
    static let dated: [UInt32] = [4, 5, 6, 7, 8, 9, 10, 11]  // the futures and options of BTC and ETH
    static let prices: [UInt32: UInt64] = [1: 60_000, 2: 3_000, 3: 150]   // dollars, by oracle market

    enum Mode: CaseIterable { case cross, isolated, portfolio }

    struct Tally { var cases = [Mode: Int](), liquidations = 0, wholeCloses = 0 }

    @Test func randomAcceptedParametersAndVaultsAtMaintenanceCostTheFundNothing() throws {
        var tally = Tally()
        for seed in UInt64(1)...300 { try run(seed: seed, tally: &tally) }
        for mode in Mode.allCases { #expect(tally.cases[mode, default: 0] >= 60, "\(mode): \(tally.cases[mode, default: 0]) cases") }
        #expect(tally.liquidations >= 250 && tally.wholeCloses >= 40, "\(tally)")
    }

    @Test func moreSeeds() async throws {
        await propertyCheck(count: 20, input: Gen.uint64()) { seed in
            var tally = Tally()
            try run(seed: seed, tally: &tally)
        }
    }

    func run(seed: UInt64, tally: inout Tally) throws {
        var rng = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ n: UInt64) -> UInt64 { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng % n }
        func between(_ lo: UInt64, _ hi: UInt64) -> UInt64 { lo + next(hi - lo + 1) }

        let base = try Fixtures.genesisState()
        let state = StateOverlay(base: base)
        let time = base.timeMs + 1_000
        let proposer = Address(DevnetKeys.validator().publicKey)

        // Parameters: drawn, then kept only as the chain's own rules accept them.
        var settings = state.liquidationSettings()
        settings.feePpm = UInt32(between(0, 20_000))
        settings.backstopDiscountPpm = UInt32(between(0, 30_000))
        settings.keeperTip = UInt128(between(0, 5)) * UInt128(Self.usd)
        settings.keeperSharePpm = UInt32(between(0, 1_000_000))
        settings.maxBounty = settings.keeperTip + UInt128(between(0, 10_000)) * UInt128(Self.usd)
        settings.maxFee = UInt128(between(1, 100_000)) * UInt128(Self.usd)
        settings.bufferPpm = UInt32(between(0, 500_000))
        let cost = UInt64(settings.feePpm) + UInt64(settings.backstopDiscountPpm)
        for id in Self.perps + Self.dated {
            var m = try #require(state.perpMarket(id))
            guard !m.params.instrument.isOption else { continue }   // options keep their own standalone rules
            let rate0 = UInt32(cost + between(1, 40_000))
            let initial0 = rate0 + UInt32(between(0, 50_000))
            let rate1 = rate0 + UInt32(between(0, 30_000))
            m.params.tiers = [MarginTier(maxNotional: UInt128(between(1_000, 2_000_000)) * UInt128(Self.usd), initialPpm: initial0, maintenancePpm: rate0),
                              MarginTier(maxNotional: nil, initialPpm: max(initial0, rate1), maintenancePpm: rate1)]
            try m.params.validate()
            state.putPerpMarket(m)
        }
        var portfolio = state.portfolioSettings()
        portfolio.maintenancePpm = UInt32(between(200_000, 1_000_000))
        let least = (cost + 1) * 1_000_000 / UInt64(portfolio.maintenancePpm) + 1
        portfolio.closeoutPpm = UInt32(min(least + between(0, 20_000), 1_000_000))
        try portfolio.validate()
        try settings.validate()
        try settings.checkSoundness(markets: state.perpMarkets().map(\.params))
        try settings.checkSoundness(portfolio: portfolio)
        state.put(settings)
        state.put(portfolio)

        // Prices: each underlying within ±30% of its devnet price, volatilities 0.3 to 1.2.
        for (oracle, dollars) in Self.prices {
            var m = try #require(state.oracleMarket(oracle))
            m.price = dollars * OraclePrice.one * between(700, 1_300) / 1_000
            m.median = m.price
            m.updatedAtMs = time
            state.putOracleMarket(m)
        }
        for vol: UInt32 in [4, 5] {
            var m = try #require(state.oracleMarket(vol))
            m.price = between(30_000_000, 120_000_000)
            m.median = m.price
            m.updatedAtMs = time
            state.putOracleMarket(m)
        }
        state.setInsuranceFund(1_000_000_000 * UInt128(Self.usd))

        // The vault: 1 to 3 positions (1 when isolated), notionals of 100 to 500,000 USDC.
        let mode = Mode.allCases[Int(next(3))]
        tally.cases[mode, default: 0] += 1
        let owner = Address(DevnetKeys.account(0).publicKey)
        let target = VaultID(owner: owner, number: 0)
        var markets = [UInt32]()
        switch mode {
        case .isolated: markets = [Self.perps[Int(next(3))]]
        case .cross, .portfolio:
            let pool = Self.perps + Self.dated
            for _ in 0..<between(1, 3) {
                let id = pool[Int(next(UInt64(pool.count)))]
                if !markets.contains(id) { markets.append(id) }
            }
            // Half the portfolio cases hold the hedge that exposed the rule: a perpetual against its future.
            if mode == .portfolio, next(2) == 0 { markets = [1, 4] }
        }
        state.putAccount(owner, Self.account())
        state.putVault(target, Vault(mode: mode == .isolated ? .isolated(market: markets[0]) : mode == .portfolio ? .portfolio : .cross, quote: 0))
        let hedgedPair = markets == [1, 4]
        let longFirst = next(2) == 0
        var firstSize: Int64 = 0
        for (i, id) in markets.enumerated() {
            var m = try #require(state.perpMarket(id))
            let unit = try Self.unitPrice(of: id, state: state, at: time)   // price units per whole unit
            guard unit > 0 else { continue }
            let notional = UInt128(between(100, 500_000)) * UInt128(Self.usd)
            var size = Int64(clamping: notional * 10_000_000_000 / UInt128(unit) / UInt128(m.params.stepSize) * UInt128(m.params.stepSize))
            if hedgedPair, i == 1 { size = firstSize.magnitude > 0 ? Int64(firstSize.magnitude) : size }
            guard size > 0 else { continue }
            let long = hedgedPair ? (i == 0) == longFirst : next(2) == 0
            let signed = long ? size : -size
            if i == 0 { firstSize = signed }
            state.putPosition(target, id, Position(size: signed, costBasis: Int128(signed) * Int128(unit) / 10_000_000_000))
            m.openInterest = UInt64(size)
            state.putPerpMarket(m)
        }
        var risk = try Margin.risk(of: target, state: state, at: time, prices: .freshOnly)
        guard risk.maintenance > 1 else { return }
        // Equity one quantum under maintenance: the first equity at which the vault is liquidatable.
        var vault = try #require(state.vault(target))
        vault.quote += Int128(risk.maintenance) - 1 - risk.equity
        state.putVault(target, vault)
        risk = try Margin.risk(of: target, state: state, at: time, prices: .freshOnly)
        try #require(risk.equity == Int128(risk.maintenance) - 1 && risk.isLiquidatable)

        let keeperOwner = Address(DevnetKeys.account(3).publicKey)
        let keeper = VaultID(owner: keeperOwner, number: 0)
        state.putAccount(keeperOwner, Self.account())
        state.putVault(keeper, Vault(mode: .cross, quote: 10_000_000_000 * Self.usd))

        for round in UInt64(1)...24 {
            let now = time + round * 1_000
            let current = try Margin.risk(of: target, state: state, at: now, prices: .freshOnly)
            guard current.isLiquidatable, !current.positions.isEmpty else { break }
            let market = try Liquidation.firstMarketToClose(current, state: state)
                ?? current.positions[Int(next(UInt64(current.positions.count)))].market
            let context = BlockContext(height: round, timeMs: now, proposer: proposer)
            let attempt = Result { () throws(ProtocolError) in
                try Liquidation.execute(target: target, market: market, keeper: keeper, context: context, state: state)
            }
            let o: Liquidation.Outcome
            switch attempt {
            case .success(let outcome): o = outcome
            case .failure(let e) where e.code == .liquidationCapReached: continue
            case .failure(let e):
                Issue.record("seed \(seed), \(mode), round \(round): refused \(e.code.name): \(e.message)")
                return
            }
            tally.liquidations += 1
            if o.closedSize == o.positionBefore.magnitude { tally.wholeCloses += 1 }
            let label = "seed \(seed), \(mode), round \(round), market \(market): fee \(settings.feePpm) discount \(settings.backstopDiscountPpm) "
                + "portfolio \(portfolio.maintenancePpm)×\(portfolio.closeoutPpm); surplus \(o.surplus), deficit \(o.deficitPaid)"
            #expect(o.deficitPaid == 0 && o.surplus >= 0, "\(label)")
            #expect(o.adlSize == 0 && o.fundAfter >= o.fundBefore, "\(label)")
            #expect(try Margin.risk(of: target, state: state, at: now, prices: .freshOnly).equity >= 0, "\(label)")
        }
    }

    static func account() -> Account {
        var a = Account()
        a.vaultCount = 1
        return a
    }

    /// What one whole unit of the market is valued at, in price units: the oracle price of a
    /// perpetual or future, the mark of an option.
    static func unitPrice(of market: UInt32, state: some StateReader, at time: UInt64) throws -> UInt64 {
        let probe = VaultID(owner: Address(DevnetKeys.account(7).publicKey), number: 0)
        let overlay = StateOverlay(base: state)
        overlay.putAccount(probe.owner, account())
        overlay.putVault(probe, Vault(mode: .cross, quote: 0))
        overlay.putPosition(probe, market, Position(size: 100_000_000, costBasis: 0))
        return try Margin.risk(of: probe, state: overlay, at: time, prices: .freshOnly).positions[0].oraclePrice
    }
}
