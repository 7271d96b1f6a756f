import Foundation

/// A scenario file (contracts-spec/devnet.md, "Scenarios"): JSON describing who does what on a
/// fresh devnet, how prices move, which keepers run and what must hold. Every amount is a
/// decimal string in whole units, as on the CLI.
public struct ScenarioFile: Decodable, Sendable {
    public struct Account: Decodable, Sendable {
        /// A devnet account: dev0 ... dev9 (their keys are public).
        public let name: String
        /// USDC moved into vault 0 (cross).
        public let deposit: String?
        /// USDC moved into vault 1, opened as a portfolio vault.
        public let portfolioDeposit: String?
        /// Other collateral moved into vault 0 (e.g. 1 BTC), valued at its haircut.
        public let collateral: [Holding]?
        enum CodingKeys: String, CodingKey { case name, deposit, portfolioDeposit = "portfolio_deposit", collateral }
    }

    /// An amount of a non-USDC asset, in whole units.
    public struct Holding: Decodable, Sendable {
        public let asset: String
        public let amount: String
    }

    /// A position opened at the start against the market maker, at the opening price.
    public struct Position: Decodable, Sendable {
        public let account: String
        public let vault: UInt32?
        public let market: String
        public let side: String
        public let size: String
        /// The price to trade at (default: the market's oracle price, or the option's mark).
        public let price: String?
    }

    /// How one oracle market moves, one value per step.
    public struct PricePath: Decodable, Sendable {
        /// "steps": `moves` (fractions like "-0.03") applied one per step, then held;
        /// "gbm": geometric Brownian motion with jumps (`volatility`, `jumps_per_day`,
        /// `jump_size`, `seed`, at `step_seconds` per step); "csv": the `file`'s values, one per line
        /// (a path relative to the scenario file), one per step.
        public let kind: String
        public let start: String?
        public let moves: [String]?
        public let volatility: Double?
        public let jumpsPerDay: Double?
        public let jumpSize: Double?
        public let seed: UInt64?
        public let file: String?
        enum CodingKeys: String, CodingKey {
            case kind, start, moves, volatility, jumpsPerDay = "jumps_per_day", jumpSize = "jump_size", seed, file
        }
    }

    /// How prices reach the chain: "override" (the devnet's oracle override, exact) or "signers"
    /// (five signed reports per update, `liars` of them reporting the price × `lie_factor`).
    public struct Oracle: Decodable, Sendable {
        public let mode: String
        public let liars: Int?
        public let lieFactor: Double?
        enum CodingKeys: String, CodingKey { case mode, liars, lieFactor = "lie_factor" }
    }

    public struct Keeper: Decodable, Sendable {
        public let account: String
        public let deposit: String
    }

    /// Something that must hold at the end (or, for `conservation`, after every block).
    public struct Check: Decodable, Sendable {
        /// conservation | min_liquidations | max_liquidations | insurance_fund_grew |
        /// insurance_fund_drained | min_adl_events | min_keeper_bounties | price_within |
        /// vault_liquidated | vault_not_liquidated | min_auction_takes | auction_repaid (the
        /// account's vault owes nothing at the end and none of its collateral is in auction)
        public let kind: String
        public let value: String?
        public let market: String?
        public let account: String?
        public let vault: UInt32?
        /// The second vault of a comparison (`portfolio_requirement_at_most`).
        public let thanAccount: String?
        public let thanVault: UInt32?
        /// `shorts` or `longs` (the ADL checks), or `buy` or `sell` with `size` and `price` (the
        /// order `order_refused` simulates).
        public let side: String?
        public let size: String?
        public let price: String?
        enum CodingKeys: String, CodingKey {
            case kind, value, market, account, vault, thanAccount = "than_account", thanVault = "than_vault", side, size, price
        }
    }

    public let name: String
    public let description: String
    public let marketMaker: String
    public let accounts: [Account]
    public let positions: [Position]
    public let prices: [String: PricePath]
    public let oracle: Oracle?
    public let steps: Int
    /// Chain time between steps (default 60 s).
    public let stepSeconds: Int?
    public let keepers: [Keeper]
    public let checks: [Check]
    /// Actions played one by one after the steps (ScenarioAction.swift).
    public let script: [Action]?
    /// Replay the whole chain with `solventd replay` once the node has stopped; a check.
    public let replay: Bool?

    enum CodingKeys: String, CodingKey {
        case name, description, marketMaker = "market_maker", accounts, positions, prices, oracle, steps
        case stepSeconds = "step_seconds", keepers, checks, script, replay
    }

    public static func load(_ path: String) throws -> ScenarioFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw ClientError("scenario_not_found", "cannot read \(path)") }
        do {
            let s = try JSONDecoder().decode(ScenarioFile.self, from: data)
            // A scripted scenario may have no price steps at all.
            guard (1...10_000).contains(s.steps) || (s.steps == 0 && !(s.script ?? []).isEmpty) else {
                throw ClientError("invalid_scenario", "steps is 1 to 10000 (0 with a script)")
            }
            return s
        } catch let e as ClientError {
            throw e
        } catch {
            throw ClientError("invalid_scenario", "\(path) is not a scenario file: \(error)")
        }
    }
}
