import Hummingbird
import SolventCore
import SolventCrypto
import SolventStore

/// A vault's margin in full (contracts-spec/portfolio-margin.md, "Query"): each position's
/// standalone requirement, their sum (what a cross vault asks), the portfolio requirement, the
/// offset between the two, the scenario tables with the worst scenario, and the Greeks; with
/// `what_if=MARKET:SIZE` the same for the vault with that position added at the mark price.
struct PortfolioRoutes: Sendable {
    let node: Node

    func register(on router: Router<RPCContext>) {
        router.get("/v1/vaults/:address/:number/margin") { request, context in
            try margin(context.parameters.require("address"), context.parameters.require("number"),
                       whatIf: request.uri.queryParameters["what_if"].map(String.init))
        }
    }

    func margin(_ addressText: String, _ numberText: String, whatIf: String?) throws -> Response {
        guard let owner = Address(text: addressText) else {
            throw RPCError.badRequest("invalid_address", "'\(addressText)' is not an address (sv1... bech32m or 64 hex characters)")
        }
        guard let number = UInt32(numberText) else { throw RPCError.badRequest("invalid_vault", "'\(numberText)' is not a vault number") }
        let id = VaultID(owner: owner, number: number)
        let time = node.nextBlockContext().timeMs
        return try node.store.withState { state, head in
            guard let vault = state.vault(id) else { throw RPCError.notFound("account \(owner) has no vault \(number)") }
            var adjust: Margin.Adjustment?
            var added: WhatIfView?
            if let whatIf { (adjust, added) = try Self.parseWhatIf(whatIf, state: state, time: time) }
            let settings = state.portfolioSettings()
            let evaluated = Result { () throws(ProtocolError) in
                let risk = try Margin.risk(of: id, state: state, at: time, prices: .latest, adjust: adjust)
                if let p = risk.portfolio { return (risk, p) }
                return (risk, try Margin.portfolio(risk.positions, settings: settings))
            }
            let risk: VaultRisk, portfolio: PortfolioMargin.Result
            switch evaluated {
            case .success(let r): (risk, portfolio) = r
            case .failure(let error): throw RPCError(error)
            }
            return .json(PortfolioMarginView(id: id, mode: vault.mode, risk: risk, portfolio: portfolio, settings: settings, state: state,
                                             height: head.height, time: time, whatIf: added))
        }
    }

    /// "BTC-PERP:-0.5" (a market symbol or id, a signed size): the position added at the mark
    /// price, with no fee.
    static func parseWhatIf(_ text: String, state: some StateReader, time: UInt64) throws -> (Margin.Adjustment, WhatIfView) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw RPCError.badRequest("invalid_what_if", "what_if is MARKET:SIZE, like BTC-PERP:-0.5") }
        let market = try MarketRoutes.lookup(parts[0], state)
        let negative = parts[1].hasPrefix("-")
        let magnitude = negative || parts[1].hasPrefix("+") ? String(parts[1].dropFirst()) : parts[1]
        guard let units = try? Amount.parse(magnitude, decimals: PerpUnits.sizeDecimals), units > 0, units <= UInt128(Int64.max),
              UInt64(units) % market.params.stepSize == 0 else {
            throw RPCError.badRequest("invalid_what_if", "'\(parts[1])' is not a nonzero size on \(market.params.symbol)'s step of \(PerpUnits.formatSize(Int64(market.params.stepSize)))")
        }
        let size = negative ? -Int64(units) : Int64(units)
        guard let oracle = state.oracleMarket(market.params.oracleMarket), oracle.hasPrice else {
            throw RPCError(ProtocolError(.oracleNoPrice, "\(market.params.symbol)'s underlying has no price"))
        }
        var mark = Margin.Mark(underlying: oracle.price)
        if case .option(_, _, _, let volOracle) = market.params.instrument {
            guard let v = state.oracleMarket(volOracle), v.hasPrice else {
                throw RPCError(ProtocolError(.oracleNoPrice, "\(market.params.symbol)'s volatility feed has no value"))
            }
            mark = Margin.optionMark(market.params, underlying: oracle.price, vol: v.price, at: time)
        }
        let quote = FixedPoint.mulDiv(Int128(size), Int128(mark.price), Int128(PerpUnits.notionalDivisor), .down) ?? 0
        return (Margin.Adjustment(market: market.id, size: size, quote: -quote),
                WhatIfView(market: market.params.symbol, size: PerpUnits.formatSize(size), price: OraclePrice.format(mark.price)))
    }
}

struct WhatIfView: Encodable {
    let market: String
    let size: String
    /// The mark price the hypothetical position was added at.
    let price: String
}

/// Decimal text of a signed fixed-point value with `decimals` decimals, trailing zeros trimmed.
func decimalText(_ v: Int128, decimals: Int) -> String {
    (v < 0 ? "-" : "") + Amount.format(v.magnitude, decimals: decimals)
}

struct GreeksView: Encodable {
    /// Underlying units (BTC for BTC options: +1 per long perpetual unit).
    let delta: String
    /// Change of delta per 1 USD of the underlying's price.
    let gamma: String
    /// USD per one volatility point (0.01).
    let vega: String
    /// USD per day.
    let theta: String

    /// Inputs are wads (18 decimals) per whole unit of the underlying held; vega per 1.00 of
    /// volatility and theta per year, shown per point and per day.
    init(delta: Int128, gamma: Int128, vega: Int128, theta: Int128) {
        self.delta = decimalText(delta, decimals: 18)
        self.gamma = decimalText(gamma, decimals: 18)
        self.vega = decimalText(vega / 100, decimals: 18)
        self.theta = decimalText(theta / 365, decimals: 18)
    }
}

struct MarginPositionView: Encodable {
    let market: String
    let kind: String
    let size: String
    let markPrice: String
    let underlyingPrice: String
    let value: String
    let standaloneInitial: String
    let standaloneMaintenance: String
    let greeks: GreeksView
    enum CodingKeys: String, CodingKey {
        case market, kind, size, markPrice = "mark_price", underlyingPrice = "underlying_price", value
        case standaloneInitial = "standalone_initial", standaloneMaintenance = "standalone_maintenance", greeks
    }
}

struct ScenarioView: Encodable {
    let priceMovePpm: Int64
    let volMovePpm: Int64
    let coverPpm: UInt32
    let pnl: String
    enum CodingKeys: String, CodingKey { case priceMovePpm = "price_move_ppm", volMovePpm = "vol_move_ppm", coverPpm = "cover_ppm", pnl }
}

struct UnderlyingView: Encodable {
    let oracleMarket: String
    let price: String
    let scanLoss: String
    let worstScenario: Int?
    let direction: Int
    let longDelta: String
    let shortDelta: String
    let hedgedDeltaCharge: String
    let shortOptionCharge: String
    let closeoutCharge: String
    let greeks: GreeksView
    let scenarios: [ScenarioView]
    enum CodingKeys: String, CodingKey {
        case oracleMarket = "oracle_market", price, scanLoss = "scan_loss", worstScenario = "worst_scenario", direction
        case longDelta = "long_delta", shortDelta = "short_delta", hedgedDeltaCharge = "hedged_delta_charge"
        case shortOptionCharge = "short_option_charge", closeoutCharge = "closeout_charge", greeks, scenarios
    }
}

struct CreditView: Encodable {
    let first: String
    let second: String
    let offsetLoss: String
    let credit: String
    enum CodingKeys: String, CodingKey { case first, second, offsetLoss = "offset_loss", credit }
}

struct PortfolioView: Encodable {
    let initial: String
    let maintenance: String
    let scanLoss: String
    let credits: String
    let contingency: String
    let underlyings: [UnderlyingView]
    let spreadCredits: [CreditView]
    enum CodingKeys: String, CodingKey {
        case initial, maintenance, scanLoss = "scan_loss", credits, contingency, underlyings, spreadCredits = "spread_credits"
    }
}

/// Greeks in USD, which add up across underlyings (delta and gamma are per underlying).
struct VaultGreeksView: Encodable {
    let vega: String
    let theta: String

    init(vega: Int128, theta: Int128) {
        let g = GreeksView(delta: 0, gamma: 0, vega: vega, theta: theta)
        self.vega = g.vega
        self.theta = g.theta
    }
}

struct WorstView: Encodable {
    let oracleMarket: String
    let priceMovePpm: Int64
    let volMovePpm: Int64
    let pnl: String
    enum CodingKeys: String, CodingKey { case oracleMarket = "oracle_market", priceMovePpm = "price_move_ppm", volMovePpm = "vol_move_ppm", pnl }
}

struct PortfolioMarginView: Encodable {
    let owner: String
    let vault: UInt32
    let mode: String
    let height: UInt64
    let time: String
    let equity: String
    let positions: [MarginPositionView]
    /// The sum of standalone requirements: what a cross vault asks.
    let standaloneInitial: String
    let standaloneMaintenance: String
    /// The scenario evaluation (for a cross or isolated vault: what it would be in portfolio mode).
    let portfolio: PortfolioView
    /// standalone initial − portfolio initial.
    let offset: String
    /// The requirement in force (the portfolio's for a portfolio vault).
    let initialRequirement: String
    let maintenanceRequirement: String
    let freeCollateral: String
    let worst: WorstView?
    /// Vega and theta of the whole vault; delta and gamma are under each underlying.
    let greeks: VaultGreeksView
    let whatIf: WhatIfView?

    enum CodingKeys: String, CodingKey {
        case owner, vault, mode, height, time, equity, positions, standaloneInitial = "standalone_initial"
        case standaloneMaintenance = "standalone_maintenance", portfolio, offset, initialRequirement = "initial_requirement"
        case maintenanceRequirement = "maintenance_requirement", freeCollateral = "free_collateral", worst, greeks, whatIf = "what_if"
    }

    init(id: VaultID, mode: VaultMode, risk: VaultRisk, portfolio p: PortfolioMargin.Result, settings: PortfolioSettings,
         state: some StateReader, height: UInt64, time: UInt64, whatIf: WhatIfView?) {
        func usdc(_ v: Int128) -> String { PerpUnits.formatQuote(v) }
        func usdc(_ v: UInt128) -> String { Amount.format(v, decimals: 6) }
        func name(_ oracle: UInt32) -> String { state.oracleMarket(oracle)?.symbol ?? String(oracle) }
        owner = id.owner.text
        vault = id.number
        self.mode = mode.name
        self.height = height
        self.time = Timestamps.rfc3339(time)
        equity = usdc(risk.equity)
        var byUnderlying = [UInt32: (Int128, Int128, Int128, Int128)]()
        var total = (Int128(0), Int128(0), Int128(0), Int128(0))
        positions = risk.positions.map { pos in
            let g = Self.greeks(pos)
            // Saturating sums: Greeks of positions near the size bound may pass 128 bits together.
            let u = byUnderlying[pos.underlyingOracle, default: (0, 0, 0, 0)]
            byUnderlying[pos.underlyingOracle] = (u.0.saturatingAdd(g.0), u.1.saturatingAdd(g.1), u.2.saturatingAdd(g.2), u.3.saturatingAdd(g.3))
            total = (total.0.saturatingAdd(g.0), total.1.saturatingAdd(g.1), total.2.saturatingAdd(g.2), total.3.saturatingAdd(g.3))
            return MarginPositionView(
                market: pos.symbol, kind: pos.instrument.kindName, size: PerpUnits.formatSize(pos.size), markPrice: OraclePrice.format(pos.oraclePrice),
                underlyingPrice: OraclePrice.format(pos.underlyingPrice), value: usdc(pos.value),
                standaloneInitial: usdc(pos.initial), standaloneMaintenance: usdc(pos.maintenance),
                greeks: GreeksView(delta: g.0, gamma: g.1, vega: g.2, theta: g.3))
        }
        standaloneInitial = usdc(risk.standaloneInitial)
        standaloneMaintenance = usdc(risk.standaloneMaintenance)
        portfolio = PortfolioView(
            initial: usdc(p.initial), maintenance: usdc(p.maintenance), scanLoss: usdc(p.scanLoss),
            credits: usdc(p.creditTotal), contingency: usdc(p.contingency),
            underlyings: p.underlyings.map { u in
                let g = byUnderlying[u.oracleMarket] ?? (0, 0, 0, 0)
                return UnderlyingView(
                    oracleMarket: name(u.oracleMarket), price: OraclePrice.format(u.spot), scanLoss: usdc(u.scanLoss),
                    worstScenario: u.worst, direction: u.direction, longDelta: PerpUnits.formatSize(Int64(clamping: u.longDelta)),
                    shortDelta: PerpUnits.formatSize(Int64(clamping: u.shortDelta)), hedgedDeltaCharge: usdc(u.hedgedDeltaCharge),
                    shortOptionCharge: usdc(u.shortOptionCharge), closeoutCharge: usdc(u.closeoutCharge), greeks: GreeksView(delta: g.0, gamma: g.1, vega: g.2, theta: g.3),
                    scenarios: u.scenarios.map { ScenarioView(priceMovePpm: $0.priceMovePpm, volMovePpm: $0.volMovePpm, coverPpm: $0.coverPpm, pnl: usdc($0.pnl)) })
            },
            spreadCredits: p.credits.map { CreditView(first: name($0.first), second: name($0.second), offsetLoss: usdc($0.offsetLoss), credit: usdc($0.credit)) })
        offset = usdc(Int128(risk.standaloneInitial) - Int128(p.initial))
        initialRequirement = usdc(risk.initial)
        maintenanceRequirement = usdc(risk.maintenance)
        freeCollateral = usdc(risk.freeCollateral)
        var worst: WorstView?
        var worstPnl: Int128 = 0
        for u in p.underlyings {
            guard let i = u.worst, u.scenarios[i].pnl < worstPnl else { continue }
            worstPnl = u.scenarios[i].pnl
            worst = WorstView(oracleMarket: name(u.oracleMarket), priceMovePpm: u.scenarios[i].priceMovePpm,
                              volMovePpm: u.scenarios[i].volMovePpm, pnl: usdc(u.scenarios[i].pnl))
        }
        self.worst = worst
        greeks = VaultGreeksView(vega: total.2, theta: total.3)
        self.whatIf = whatIf
    }

    /// A position's Greeks times the units of the underlying it holds (size / 10^8), in wads: a
    /// perpetual or future has delta = its size and nothing else.
    static func greeks(_ p: PositionRisk) -> (Int128, Int128, Int128, Int128) {
        let s = Int128(p.size)
        func scaled(_ g: Int128) -> Int128 { FixedPoint.mulDiv(s, g, 100_000_000, .down) ?? 0 }
        guard case .option(_, let strike, let call, _) = p.instrument else { return (scaled(FixedMath.one), 0, 0, 0) }
        guard let g = BlackScholes.evaluate(spot: p.underlyingPrice, strike: strike, vol: p.vol, timeMs: p.timeToExpiryMs, isCall: call) else {
            return (0, 0, 0, 0)
        }
        return (scaled(g.delta), scaled(g.gamma), scaled(g.vega), scaled(g.theta))
    }
}
