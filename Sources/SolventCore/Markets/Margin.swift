/// Vault margin (contracts-spec/margin.md): what a vault is worth at oracle prices, what its
/// positions require, and whether an action may leave it where it leaves it.
///
///     equity      = quote + Σ collateral × price × (1 − haircut) + Σ size × price − Σ unsettled funding
///     notional    = |size| × price                     (per position, at the oracle price)
///     requirement = Σ over tiers of rate × the part of the notional in the tier's band
///     free        = equity − initial requirement
///
/// Every value rounds against the vault: collateral and position values down, notionals,
/// requirements and funding owed up.
public struct PositionRisk: Sendable {
    public let market: UInt32
    public let symbol: String
    public let size: Int64
    public let oraclePrice: UInt64
    /// |size| × price, rounded up (USDC quantums).
    public let notional: UInt128
    /// size × price, rounded down (USDC quantums, signed).
    public let value: Int128
    /// The initial requirement: the tiers', raised by the market's open-interest caps and its
    /// book-depth add-on when it has them (margin.md), by the two amounts below.
    public let initial: UInt128
    public let maintenance: UInt128
    /// What the market's open-interest caps add to the initial requirement (margin.md,
    /// "Open-interest scaling"), included in `initial`.
    public let openInterestAddOn: UInt128
    /// What the market's book-depth add-on adds to the initial requirement (margin.md,
    /// "Book-depth add-on"), included in `initial`.
    public let depthAddOn: UInt128
    /// Funding the position owes since it last settled (negative: is owed), rounded up.
    public let unsettledFunding: Int128
    public let position: Position
    /// What the market trades, and the prices its mark came from: the underlying's oracle
    /// price (= `oraclePrice` for a perpetual or future; for an option `oraclePrice` is the
    /// Black-Scholes mark, `markWad` the same unrounded, with the volatility and time to expiry).
    public let instrument: Instrument
    public let underlyingOracle: UInt32
    public let underlyingPrice: UInt64
    public let volOracle: UInt32?
    public let vol: UInt64
    /// The volatility feeds the option's volatility came from and their values: its
    /// `volatility_oracle`, or the points of that feed's surface it used (vol-surface.md).
    public let volFeeds: [Margin.VolFeed]
    public let timeToExpiryMs: UInt64
    public let markWad: Int128
    /// Mark-to-oracle profit or loss of the open size: value − cost basis.
    public let unrealizedPnl: Int128

    /// Entry price in price units (|cost basis| ÷ |size|), rounded down.
    public var entryPrice: UInt64 {
        guard size != 0 else { return 0 }
        let p = FixedPoint.mulDiv(position.costBasis.magnitude, PerpUnits.notionalDivisor, UInt128(size.magnitude), .down) ?? 0
        return UInt64(clamping: p)
    }

    /// The prices the position was marked with.
    public var mark: Margin.Mark {
        var m = Margin.Mark(underlying: underlyingPrice)
        m.price = oraclePrice
        m.volOracle = volOracle
        m.vol = vol
        m.volFeeds = volFeeds
        m.timeToExpiryMs = timeToExpiryMs
        m.wad = markWad
        return m
    }

    /// The position as the portfolio scan sees it.
    public var portfolioPosition: PortfolioMargin.Position {
        PortfolioMargin.Position(market: market, symbol: symbol, size: size, instrument: instrument, underlying: underlyingOracle,
                                 spot: underlyingPrice, vol: vol, timeToExpiryMs: timeToExpiryMs, markWad: markWad)
    }
}

public struct CollateralRisk: Sendable {
    public let asset: Asset
    public let amount: UInt128
    public let oraclePrice: UInt64
    /// The haircut the asset counts at: its genesis haircut, or where its dynamic haircut stands
    /// (haircuts.md).
    public let haircutPpm: UInt32
    /// amount × price × (1 − haircut), rounded down (USDC quantums).
    public let value: UInt128
    /// `value` less the value at the initial haircut, added to the initial requirement (0 for an
    /// asset without a haircut rule; haircuts.md, "The two haircuts").
    public let haircutAddOn: UInt128

    /// ⌊amount × price × (10^6 − haircut) / (10^(decimals + 2) × 10^6)⌋ (margin.md, "Equity").
    public static func value(_ amount: UInt128, asset: Asset, price: UInt64, haircutPpm: UInt32) throws(ProtocolError) -> UInt128 {
        let divisor = Amount.pow10(Int(asset.decimals) + 2) * 1_000_000
        guard let value = FixedPoint.mulDiv(amount, UInt128(price) * UInt128(1_000_000 - min(haircutPpm, 1_000_000)), divisor, .down) else {
            throw .overflow
        }
        return value
    }
}

/// A vault's margin figures. Every sum is taken with checked arithmetic when the value is built,
/// and every requirement fits a signed 128-bit integer, so reading a figure never traps: a vault
/// whose figures do not fit is refused with `arithmetic_overflow` where its risk is computed.
public struct VaultRisk: Sendable {
    public let quote: Int128
    public let collateral: [CollateralRisk]
    public let positions: [PositionRisk]
    /// For a portfolio vault: the scenario evaluation whose requirements replace the sum of the
    /// positions' own (portfolio-margin.md), and the settings it used.
    public let portfolio: PortfolioMargin.Result?
    public let portfolioSettings: PortfolioSettings?

    /// What a cross vault would require: the sum of the positions' standalone requirements.
    public let standaloneInitial: UInt128
    /// What open-interest caps and book-depth add-ons add to the positions' initial
    /// requirements (margin.md, "Open-interest scaling", "Book-depth add-on"): in
    /// `standaloneInitial` already, and added to a portfolio vault's scenario requirement.
    public let liquidityAddOn: UInt128
    /// What the collateral's initial haircuts hold back (haircuts.md, "The two haircuts"): in
    /// `initial`, in every vault mode.
    public let haircutAddOn: UInt128
    /// The initial and maintenance requirements (at most 2^127 − 1, checked when built).
    public let initial: UInt128
    public let standaloneMaintenance: UInt128
    public let collateralValue: UInt128
    public let positionsValue: Int128
    public let unsettledFunding: Int128
    /// quote + collateral value + positions' value − unsettled funding.
    public let equity: Int128
    /// Equity − initial requirement.
    public let freeCollateral: Int128

    public init(quote: Int128, collateral: [CollateralRisk], positions: [PositionRisk], portfolio: PortfolioMargin.Result? = nil,
                portfolioSettings: PortfolioSettings? = nil) throws(ProtocolError) {
        self.quote = quote
        self.collateral = collateral
        self.positions = positions
        self.portfolio = portfolio
        self.portfolioSettings = portfolioSettings
        standaloneInitial = try positions.checkedSum(\.initial)
        liquidityAddOn = try positions.checkedSum(\.openInterestAddOn).adding(try positions.checkedSum(\.depthAddOn))
        standaloneMaintenance = try positions.checkedSum(\.maintenance)
        collateralValue = try collateral.checkedSum(\.value)
        positionsValue = try positions.checkedSum(\.value)
        unsettledFunding = try positions.checkedSum(\.unsettledFunding)
        equity = try quote.adding(Int128(checked: collateralValue)).adding(positionsValue).subtracting(unsettledFunding)
        haircutAddOn = try collateral.checkedSum(\.haircutAddOn)
        let addOn = liquidityAddOn
        let initial = try (try portfolio.map { (p) throws(ProtocolError) in try p.initial.adding(addOn) } ?? standaloneInitial).adding(haircutAddOn)
        self.initial = initial
        let maintenance = portfolio?.maintenance ?? standaloneMaintenance
        guard initial <= UInt128(Int128.max), maintenance <= UInt128(Int128.max), standaloneInitial <= UInt128(Int128.max) else {
            throw .overflow
        }
        freeCollateral = try equity.subtracting(Int128(initial))
    }

    public var maintenance: UInt128 { portfolio?.maintenance ?? standaloneMaintenance }
    /// Equity ÷ maintenance requirement in ppm (nil without positions); below 1,000,000 the vault is liquidatable.
    public var marginRatioPpm: Int128? {
        maintenance == 0 ? nil : FixedPoint.mulDiv(equity, 1_000_000, Int128(maintenance), .down)
    }
    public var isLiquidatable: Bool { maintenance > 0 && equity < Int128(maintenance) }

    /// Every oracle market the valuation read a price from (collateral, underlyings, volatility
    /// feeds), each once, in ascending order.
    public var oracleMarkets: [UInt32] {
        var ids = Set<UInt32>()
        for c in collateral { if let o = c.asset.oracleMarket { ids.insert(o) } }
        for p in positions {
            ids.insert(p.underlyingOracle)
            for f in p.volFeeds { ids.insert(f.market) }
        }
        return ids.sorted()
    }
}

public enum Margin {
    /// Which oracle prices a computation may use.
    public enum Prices: Sendable {
        /// Fresh prices only: for checks on actions that add risk (stale or missing: refused).
        case freshOnly
        /// The latest price whatever its age: for queries.
        case latest
    }

    /// A hypothetical change to a position, for checking an order as if it had filled.
    public struct Adjustment: Sendable {
        public let market: UInt32
        public let size: Int64
        public let quote: Int128

        public init(market: UInt32, size: Int64, quote: Int128) {
            self.market = market
            self.size = size
            self.quote = quote
        }
    }

    static func price(_ market: UInt32, _ state: some StateReader, _ time: UInt64, _ mode: Prices) throws(ProtocolError) -> UInt64 {
        switch mode {
        case .freshOnly:
            return try OracleGuard.priceForRiskIncrease(market: market, state: state, at: time)
        case .latest:
            guard let m = state.oracleMarket(market), m.hasPrice else {
                throw ProtocolError(.oracleNoPrice, "oracle market \(market) has no price")
            }
            return m.price
        }
    }

    /// The vault's margin at oracle prices, optionally with one position changed as if an order had filled.
    public static func risk(of id: VaultID, state: some StateReader, at time: UInt64, prices mode: Prices,
                            adjust: Adjustment? = nil) throws(ProtocolError) -> VaultRisk {
        var valuation = try Valuation(of: id, state: state, at: time, prices: mode)
        guard let adjust else { return try valuation.risk(state) }
        return try valuation.risk(adjusted: adjust, state)
    }

    /// `risk` without and with `adjust` (an order's or a fill's margin check), reading the vault
    /// and marking its positions once: the same two answers, and the same error first, as two calls.
    public static func riskBeforeAndAfter(of id: VaultID, state: some StateReader, at time: UInt64, prices mode: Prices,
                                          adjust: Adjustment) throws(ProtocolError) -> (before: VaultRisk, after: VaultRisk) {
        var valuation = try Valuation(of: id, state: state, at: time, prices: mode)
        let before = try valuation.risk(state)
        return (before, try valuation.risk(adjusted: adjust, state))
    }

    /// The portfolio evaluation of `positions` (an option that cannot be priced refuses).
    public static func portfolio(_ positions: [PositionRisk], settings: PortfolioSettings) throws(ProtocolError) -> PortfolioMargin.Result {
        try PortfolioMargin.evaluate(positions.map(\.portfolioPosition), settings: settings)
    }

    /// A volatility feed an option's mark read, and its value then.
    public struct VolFeed: Sendable, Equatable {
        public let market: UInt32
        public let value: UInt64
        public init(market: UInt32, value: UInt64) { (self.market, self.value) = (market, value) }
    }

    /// The prices a position is marked with.
    public struct Mark: Sendable {
        /// The underlying's oracle price.
        public var underlying: UInt64
        /// The price one unit is valued at: the underlying's for a perpetual or future, the
        /// Black-Scholes price (rounded down to a price unit) for an option.
        public var price: UInt64
        public var volOracle: UInt32?
        public var vol: UInt64 = 0
        public var volFeeds: [VolFeed] = []
        public var timeToExpiryMs: UInt64 = 0
        public var wad: Int128 = 0

        public init(underlying: UInt64) {
            self.underlying = underlying
            self.price = underlying
        }
    }

    /// An option's mark (options.md, "Marking"): Black-Scholes at the underlying's price and the
    /// volatility feed, with the time left to expiry (0 once it has passed: intrinsic value).
    public static func optionMark(_ params: PerpMarketParams, underlying s: UInt64, vol: UInt64, at time: UInt64) -> Mark {
        guard case .option(let expiry, let strike, let call, let volOracle) = params.instrument else { return Mark(underlying: s) }
        let tte = expiry > time ? expiry - time : 0
        let wad = BlackScholes.price(spot: s, strike: strike, vol: vol, timeMs: tte, isCall: call)
        var m = Mark(underlying: s)
        m.price = UInt64(clamping: max(wad, 0) / 10_000_000_000)
        m.volOracle = volOracle
        m.vol = vol
        m.timeToExpiryMs = tte
        m.wad = wad
        return m
    }

    /// The risk of one position at a given price (for tests and tools that price hypotheticals).
    public static func positionRiskForTesting(_ market: PerpMarket, _ position: Position, price p: UInt64) throws(ProtocolError) -> PositionRisk {
        try positionRisk(market, position, mark: Mark(underlying: p))
    }

    /// `caps` and `depth`: the market's open-interest caps and book-depth add-on, if it has them
    /// (its initial requirement then scales with its open notional at the mark's underlying
    /// price, and the size beyond the closing side's depth pays the add-on).
    static func positionRisk(_ market: PerpMarket, _ position: Position, mark: Mark,
                             caps: OpenInterestCaps.Entry? = nil, depth: DepthAddOns.Entry? = nil) throws(ProtocolError) -> PositionRisk {
        let p = mark.price
        // A position's notional is its underlying's: |size| × the underlying's price.
        guard let notional = FixedPoint.mulDiv(UInt128(position.size.magnitude), UInt128(mark.underlying), PerpUnits.notionalDivisor, .up),
              let value = FixedPoint.mulDiv(Int128(position.size), Int128(p), Int128(PerpUnits.notionalDivisor), .down) else {
            throw .overflow
        }
        let scaling = caps.map { OpenInterestScaling(caps: $0, openInterest: market.openInterest) }
        let (initial, maintenance) = try requirements(market.params, size: position.size, mark: mark, scaling: scaling)
        // The depth add-on, on top of the scaled requirement, the sum at most the notional.
        var depthAddOn: UInt128 = 0
        if let depth, !market.params.instrument.isOption {
            depthAddOn = min(notional - min(notional, initial.scaled), depth.addOn(size: position.size, price: mark.underlying))
        }
        return PositionRisk(
            market: market.id, symbol: market.params.symbol, size: position.size, oraclePrice: p, notional: notional, value: value,
            initial: initial.scaled + depthAddOn, maintenance: maintenance, openInterestAddOn: initial.scaled - initial.tiers,
            depthAddOn: depthAddOn,
            unsettledFunding: try Funding.owed(position, index: market.fundingIndex), position: position,
            instrument: market.params.instrument, underlyingOracle: market.params.oracleMarket, underlyingPrice: mark.underlying,
            volOracle: mark.volOracle, vol: mark.vol, volFeeds: mark.volFeeds, timeToExpiryMs: mark.timeToExpiryMs, markWad: mark.wad,
            unrealizedPnl: try value.subtracting(position.costBasis))
    }

    /// The initial-margin rule for anything that can add risk: the vault must end at or above its
    /// initial requirement, or else be no riskier than before: its maintenance requirement did not
    /// rise and equity ÷ maintenance did not fall (margin.md, "No riskier").
    public static func requireInitial(after: VaultRisk, before: VaultRisk, action: String) throws(ProtocolError) {
        if after.equity >= Int128(after.initial) { return }
        let mmAfter = after.maintenance, mmBefore = before.maintenance
        let noRiskier = mmAfter <= mmBefore
            && compareProducts(after.equity, Int128(mmBefore), before.equity, Int128(mmAfter)) >= 0
        guard noRiskier else {
            throw ProtocolError(.insufficientMargin,
                "\(action) would leave equity \(PerpUnits.formatQuote(after.equity)) USDC under the initial requirement of \(PerpUnits.formatQuote(Int128(after.initial))) USDC")
        }
    }

    /// Sign of a × b − c × d, computed at full width.
    static func compareProducts(_ a: Int128, _ b: Int128, _ c: Int128, _ d: Int128) -> Int {
        let x = a.fullWidthProduct(b), y = c.fullWidthProduct(d)
        if x.high != y.high { return x.high < y.high ? -1 : 1 }
        if x.low != y.low { return x.low < y.low ? -1 : 1 }
        return 0
    }

    /// The oracle price at which this position alone would take the vault to its maintenance
    /// requirement, everything else unchanged (margin.md, "Liquidation price"); nil when no
    /// positive price does. Rounded towards the side of caution: up for longs, down for shorts.
    public static func liquidationPrice(of p: PositionRisk, in vault: VaultRisk, tiers: [MarginTier]) -> UInt64? {
        // Only a linear position in a vault whose requirement is a sum of linear terms has one.
        guard p.size != 0, !p.instrument.isOption, vault.portfolio == nil else { return nil }
        // A figure past 128 bits has no liquidation price to show.
        return try? liquidationPriceChecked(of: p, in: vault, tiers: tiers)
    }

    private static func liquidationPriceChecked(of p: PositionRisk, in vault: VaultRisk, tiers: [MarginTier]) throws(ProtocolError) -> UInt64? {
        // Equity and requirement without this position's own value and maintenance.
        let otherEquity = try vault.equity.subtracting(p.value)
        let otherMaintenance = try Int128(vault.maintenance).subtracting(Int128(checked: p.maintenance))
        let size = Int128(p.size)
        var lower: UInt128 = 0
        var deduction: Int128 = 0   // × 10^6: Σ over lower tiers of (rate_k − rate_j) × band_j
        for (k, tier) in tiers.enumerated() {
            let rate = Int128(tier.maintenancePpm)
            if k > 0 {
                let previous = tiers[k - 1]
                deduction = try deduction.adding(try (rate - Int128(previous.maintenancePpm)).multiplied(by: Int128(checked: lower)))
            }
            // equity(P) = otherEquity + size·P/10^10 and mm(P) = (rate·|size|·P/10^10 − deduction) / 10^6:
            // P = (otherMaintenance·10^6 − deduction − otherEquity·10^6) · 10^10 / (size·10^6 − rate·|size|)
            let numerator = try otherMaintenance.subtracting(otherEquity).multiplied(by: 1_000_000).subtracting(deduction)
            // |size| < 2^63 and rates < 2^32: this fits.
            let denominator = size * 1_000_000 - rate * Int128(size.magnitude)
            // Rounded so that the final price errs towards liquidating earlier: up for a long
            // (positive denominator), and for a short the negated quotient rounds down.
            if denominator != 0, let quotient = FixedPoint.mulDiv(numerator, Int128(PerpUnits.notionalDivisor), Int128(denominator.magnitude), .up) {
                let signed = denominator > 0 ? quotient : try quotient.negated()
                if signed > 0, signed <= Int128(UInt64.max) {
                    let candidate = UInt64(signed)
                    let notional = FixedPoint.mulDiv(UInt128(p.size.magnitude), UInt128(candidate), PerpUnits.notionalDivisor, .down) ?? 0
                    let upper = tier.maxNotional ?? UInt128.max
                    if notional >= lower, notional <= upper { return candidate }
                }
            }
            guard let upper = tier.maxNotional else { break }
            lower = upper
        }
        return nil
    }
}
