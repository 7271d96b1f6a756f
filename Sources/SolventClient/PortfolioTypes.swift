import Foundation

/// `GET /v1/vaults/{address}/{number}/margin` (contracts-spec/portfolio-margin.md, "Query").
public struct PortfolioMarginReply: Decodable, Sendable {
    public struct Greeks: Decodable, Sendable {
        public let delta: String
        public let gamma: String
        public let vega: String
        public let theta: String
    }

    public struct Position: Decodable, Sendable {
        public let market: String
        public let kind: String
        public let size: String
        public let markPrice: String
        public let underlyingPrice: String
        public let value: String
        public let standaloneInitial: String
        public let standaloneMaintenance: String
        public let greeks: Greeks
        enum CodingKeys: String, CodingKey {
            case market, kind, size, markPrice = "mark_price", underlyingPrice = "underlying_price", value
            case standaloneInitial = "standalone_initial", standaloneMaintenance = "standalone_maintenance", greeks
        }
    }

    public struct Scenario: Decodable, Sendable {
        public let priceMovePpm: Int64
        public let volMovePpm: Int64
        public let coverPpm: UInt32
        public let pnl: String
        enum CodingKeys: String, CodingKey { case priceMovePpm = "price_move_ppm", volMovePpm = "vol_move_ppm", coverPpm = "cover_ppm", pnl }
    }

    public struct Underlying: Decodable, Sendable {
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
        public let greeks: Greeks
        public let scenarios: [Scenario]
        enum CodingKeys: String, CodingKey {
            case oracleMarket = "oracle_market", price, scanLoss = "scan_loss", worstScenario = "worst_scenario", direction
            case longDelta = "long_delta", shortDelta = "short_delta", hedgedDeltaCharge = "hedged_delta_charge"
            case shortOptionCharge = "short_option_charge", closeoutCharge = "closeout_charge", greeks, scenarios
        }
    }

    public struct Credit: Decodable, Sendable {
        public let first: String
        public let second: String
        public let offsetLoss: String
        public let credit: String
        enum CodingKeys: String, CodingKey { case first, second, offsetLoss = "offset_loss", credit }
    }

    public struct Portfolio: Decodable, Sendable {
        public let initial: String
        public let maintenance: String
        public let scanLoss: String
        public let credits: String
        public let contingency: String
        public let underlyings: [Underlying]
        public let spreadCredits: [Credit]
        enum CodingKeys: String, CodingKey {
            case initial, maintenance, scanLoss = "scan_loss", credits, contingency, underlyings, spreadCredits = "spread_credits"
        }
    }

    public struct Worst: Decodable, Sendable {
        public let oracleMarket: String
        public let priceMovePpm: Int64
        public let volMovePpm: Int64
        public let pnl: String
        enum CodingKeys: String, CodingKey { case oracleMarket = "oracle_market", priceMovePpm = "price_move_ppm", volMovePpm = "vol_move_ppm", pnl }
    }

    public struct WhatIf: Decodable, Sendable {
        public let market: String
        public let size: String
        public let price: String
    }

    public let owner: String
    public let vault: UInt32
    public let mode: String
    public let height: UInt64
    public let time: String
    public let equity: String
    public let positions: [Position]
    public let standaloneInitial: String
    public let standaloneMaintenance: String
    public let portfolio: Portfolio
    public let offset: String
    public let initialRequirement: String
    public let maintenanceRequirement: String
    public let freeCollateral: String
    public let worst: Worst?
    public let greeks: VaultGreeks
    public let whatIf: WhatIf?

    public struct VaultGreeks: Decodable, Sendable {
        public let vega: String
        public let theta: String
    }

    enum CodingKeys: String, CodingKey {
        case owner, vault, mode, height, time, equity, positions, standaloneInitial = "standalone_initial"
        case standaloneMaintenance = "standalone_maintenance", portfolio, offset, initialRequirement = "initial_requirement"
        case maintenanceRequirement = "maintenance_requirement", freeCollateral = "free_collateral", worst, greeks, whatIf = "what_if"
    }
}

extension RPCClient {
    public func margin(_ address: String, _ number: UInt32, whatIf: String? = nil) async throws -> Reply<PortfolioMarginReply> {
        var path = "/v1/vaults/\(address)/\(number)/margin"
        if let whatIf, let q = whatIf.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-.:_"))) {
            path += "?what_if=" + q
        }
        return try await get(path)
    }
}
