// A vault's margin in full (contracts-spec/portfolio-margin.md, "Query"): standalone and
// portfolio requirements, the scenario tables and the Greeks.

public struct PortfolioMarginReply: Codable, Sendable {
    public let owner: String
    public let vault: UInt32
    public let mode: String
    public let height: UInt64
    public let time: String
    public let equity: String
    public let positions: [MarginPositionReply]
    /// The sum of standalone requirements: what a cross vault asks.
    public let standaloneInitial: String
    public let standaloneMaintenance: String
    /// The scenario evaluation (for a cross or isolated vault: what it would be in portfolio mode).
    public let portfolio: PortfolioReply
    /// standalone initial − portfolio initial.
    public let offset: String
    /// The requirement in force (the portfolio's for a portfolio vault).
    public let initialRequirement: String
    public let maintenanceRequirement: String
    public let freeCollateral: String
    public let worst: WorstScenarioReply?
    /// Vega and theta of the whole vault; delta and gamma are under each underlying.
    public let greeks: VaultGreeksReply
    public let whatIf: WhatIfReply?

    public init(owner: String, vault: UInt32, mode: String, height: UInt64, time: String, equity: String,
                positions: [MarginPositionReply], standaloneInitial: String, standaloneMaintenance: String,
                portfolio: PortfolioReply, offset: String, initialRequirement: String, maintenanceRequirement: String,
                freeCollateral: String, worst: WorstScenarioReply? = nil, greeks: VaultGreeksReply, whatIf: WhatIfReply? = nil) {
        (self.owner, self.vault, self.mode, self.height, self.time, self.equity, self.positions, self.standaloneInitial,
         self.standaloneMaintenance, self.portfolio, self.offset, self.initialRequirement, self.maintenanceRequirement,
         self.freeCollateral, self.worst, self.greeks, self.whatIf) =
            (owner, vault, mode, height, time, equity, positions, standaloneInitial, standaloneMaintenance, portfolio, offset,
             initialRequirement, maintenanceRequirement, freeCollateral, worst, greeks, whatIf)
    }
}

public struct MarginPositionReply: Codable, Sendable {
    public let market: String
    public let kind: String
    public let size: String
    public let markPrice: String
    public let underlyingPrice: String
    public let value: String
    public let standaloneInitial: String
    public let standaloneMaintenance: String
    public let greeks: GreeksReply

    public init(market: String, kind: String, size: String, markPrice: String, underlyingPrice: String, value: String,
                standaloneInitial: String, standaloneMaintenance: String, greeks: GreeksReply) {
        (self.market, self.kind, self.size, self.markPrice, self.underlyingPrice, self.value, self.standaloneInitial,
         self.standaloneMaintenance, self.greeks) =
            (market, kind, size, markPrice, underlyingPrice, value, standaloneInitial, standaloneMaintenance, greeks)
    }
}

public struct GreeksReply: Codable, Sendable {
    /// Underlying units (BTC for BTC options: +1 per long perpetual unit).
    public let delta: String
    /// Change of delta per 1 USD of the underlying's price.
    public let gamma: String
    /// USD per one volatility point (0.01).
    public let vega: String
    /// USD per day.
    public let theta: String

    public init(delta: String, gamma: String, vega: String, theta: String) {
        (self.delta, self.gamma, self.vega, self.theta) = (delta, gamma, vega, theta)
    }
}

public struct UnderlyingMarginReply: Codable, Sendable {
    public let oracleMarket: String
    public let price: String
    public let scanLoss: String
    public let worstScenario: Int?
    public let direction: Int
    public let longDelta: String
    public let shortDelta: String
    public let hedgedDeltaCharge: String
    public let shortOptionCharge: String
    public let closeoutCharge: String
    public let greeks: GreeksReply
    public let scenarios: [MarginScenarioReply]

    public init(oracleMarket: String, price: String, scanLoss: String, worstScenario: Int? = nil, direction: Int,
                longDelta: String, shortDelta: String, hedgedDeltaCharge: String, shortOptionCharge: String,
                closeoutCharge: String, greeks: GreeksReply, scenarios: [MarginScenarioReply]) {
        (self.oracleMarket, self.price, self.scanLoss, self.worstScenario, self.direction, self.longDelta, self.shortDelta,
         self.hedgedDeltaCharge, self.shortOptionCharge, self.closeoutCharge, self.greeks, self.scenarios) =
            (oracleMarket, price, scanLoss, worstScenario, direction, longDelta, shortDelta, hedgedDeltaCharge,
             shortOptionCharge, closeoutCharge, greeks, scenarios)
    }
}

public struct MarginScenarioReply: Codable, Sendable {
    public let priceMovePpm: Int64
    public let volMovePpm: Int64
    public let coverPpm: UInt32
    public let pnl: String

    public init(priceMovePpm: Int64, volMovePpm: Int64, coverPpm: UInt32, pnl: String) {
        (self.priceMovePpm, self.volMovePpm, self.coverPpm, self.pnl) = (priceMovePpm, volMovePpm, coverPpm, pnl)
    }
}

public struct SpreadCreditReply: Codable, Sendable {
    public let first: String
    public let second: String
    public let offsetLoss: String
    public let credit: String

    public init(first: String, second: String, offsetLoss: String, credit: String) {
        (self.first, self.second, self.offsetLoss, self.credit) = (first, second, offsetLoss, credit)
    }
}

public struct PortfolioReply: Codable, Sendable {
    public let initial: String
    public let maintenance: String
    public let scanLoss: String
    public let credits: String
    public let contingency: String
    public let underlyings: [UnderlyingMarginReply]
    public let spreadCredits: [SpreadCreditReply]

    public init(initial: String, maintenance: String, scanLoss: String, credits: String, contingency: String,
                underlyings: [UnderlyingMarginReply], spreadCredits: [SpreadCreditReply]) {
        (self.initial, self.maintenance, self.scanLoss, self.credits, self.contingency, self.underlyings, self.spreadCredits) =
            (initial, maintenance, scanLoss, credits, contingency, underlyings, spreadCredits)
    }
}

public struct WorstScenarioReply: Codable, Sendable {
    public let oracleMarket: String
    public let priceMovePpm: Int64
    public let volMovePpm: Int64
    public let pnl: String

    public init(oracleMarket: String, priceMovePpm: Int64, volMovePpm: Int64, pnl: String) {
        (self.oracleMarket, self.priceMovePpm, self.volMovePpm, self.pnl) = (oracleMarket, priceMovePpm, volMovePpm, pnl)
    }
}

/// Greeks in USD, which add up across underlyings (delta and gamma are per underlying).
public struct VaultGreeksReply: Codable, Sendable {
    public let vega: String
    public let theta: String

    public init(vega: String, theta: String) {
        (self.vega, self.theta) = (vega, theta)
    }
}

public struct WhatIfReply: Codable, Sendable {
    public let market: String
    public let size: String
    /// The mark price the hypothetical position was added at.
    public let price: String

    public init(market: String, size: String, price: String) {
        (self.market, self.size, self.price) = (market, size, price)
    }
}
