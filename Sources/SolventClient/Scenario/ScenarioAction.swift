import Foundation

extension ScenarioFile {
    /// One action of a scenario's `script` (contracts-spec/devnet.md, "Scripts"), played in file
    /// order after the price steps. `do` names the action; the other fields are its arguments.
    /// Accounts are `dev0` ... `dev9`, `admin`, or any other name: a key derived from the devnet
    /// seed phrase with the label `scenario/NAME`, holding nothing until someone sends it USDC.
    public struct Action: Decodable, Sendable {
        /// deposit | send | order | cancel_all | trade | price | mine | start_keepers |
        /// liquidation_rounds | list_market | settle | set_oi_caps | set_depth_addon |
        /// set_haircut_rule | set_yield | set_surface | check
        public let kind: String
        public let account: String?
        public let vault: UInt32?
        /// `send`: the receiving account.
        public let to: String?
        public let amount: String?
        public let market: String?
        public let side: String?
        /// A size, or `delta` (`trade`): the account's vault delta of the market's underlying,
        /// rounded toward zero to 0.0001.
        public let size: String?
        /// A price, or `mark` (`trade`): the market's mark price rounded down to its tick.
        public let price: String?
        /// `order`: immediate-or-cancel.
        public let ioc: Bool?
        /// `trade`: the account resting the other side (default: the market maker).
        public let maker: String?
        /// `price`: through the devnet's admin override (any move) instead of the five signers.
        public let override: Bool?
        /// `start_keepers`: the keepers' accounts, each keeping into its vault 0.
        public let accounts: [String]?
        /// `liquidation_rounds`: a name for the log and the step failure.
        public let label: String?
        /// `list_market`: the market to copy, the new id and symbol, seconds from the chain's
        /// clock to the expiry, and an option's strike and `type` (call or put).
        public let like: String?
        public let symbol: String?
        public let id: UInt32?
        public let expiresIn: UInt64?
        public let strike: String?
        public let type: String?
        /// `settle`: the markets that must settle together, and how far the chain clock may run.
        public let markets: [String]?
        public let withinSeconds: UInt64?
        /// `set_depth_addon`: the market's book-depth add-on (an `addon_ppm` of 0 removes it).
        public let bandPpm: UInt32?
        public let windowMs: UInt64?
        public let addonPpm: UInt32?
        /// `mine`: chain time since the script's last block (default 1).
        public let seconds: UInt64?
        /// `set_oi_caps`: the market's open-interest caps in USDC (both "0" remove them).
        public let oiLowerCap: String?
        public let oiUpperCap: String?
        /// `deposit`: the asset (default USDC); `set_haircut_rule`: the collateral asset.
        public let asset: String?
        /// `set_haircut_rule` (haircuts.md): an implied-volatility feed (BTC-IV) or `realized`
        /// (with `window_ms`), and the rule's rates (a `scale_ppm` of 0 removes it).
        public let vol: String?
        public let scalePpm: UInt32?
        public let capPpm: UInt32?
        public let ratePpmPerHour: UInt32?
        public let stepPpm: UInt32?
        /// `set_yield` (yield-assets.md): the yield asset's annual rate from now on, and a write-down.
        public let aprPpm: UInt32?
        public let writedownPpm: UInt32?
        /// `check`: a check evaluated here, on the chain as the script has left it so far.
        public let check: Check?

        enum CodingKeys: String, CodingKey {
            case kind = "do", account, vault, to, amount, market, side, size, price, ioc, maker, override, accounts, label
            case like, symbol, id, expiresIn = "expires_in", strike, type, markets, withinSeconds = "within_seconds", check
            case oiLowerCap = "oi_lower_cap", oiUpperCap = "oi_upper_cap", seconds
            case bandPpm = "band_ppm", windowMs = "window_ms", addonPpm = "addon_ppm"
            case asset, vol, scalePpm = "scale_ppm", capPpm = "cap_ppm", ratePpmPerHour = "rate_ppm_per_hour", stepPpm = "step_ppm"
            case aprPpm = "apr_ppm", writedownPpm = "writedown_ppm"
        }
    }
}
