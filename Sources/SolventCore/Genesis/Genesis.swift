import SolventCrypto

/// The genesis document (contracts-spec/genesis.md, "Fields"): the chain's identity, validator,
/// assets, parameters and initial accounts, as the JSON file has them. Read from JSON by the node;
/// validated and turned into the initial state by `initialState()` (GenesisState.swift).
public struct Genesis: Codable, Equatable, Sendable {
    public var chainId: String
    /// Time of the genesis state in milliseconds since the Unix epoch; block 1 must be later.
    public var genesisTimeMs: UInt64
    /// The single validator's Ed25519 public key, hex.
    public var validator: String
    /// The admin's Ed25519 public key, hex: the only key that may change the oracle's signers and limits.
    public var admin: String
    public var assets: [AssetSpec]
    public var params: Params
    public var accounts: [GenesisAccount]
    public var oracle: OracleGenesis
    public var perps: PerpsGenesis
    /// Present in devnet genesis files: how the dev keys were derived, so the node can print them.
    public var devnet: DevnetInfo?
    /// Portfolio-margin parameters; absent: `PortfolioSettings.standard`.
    public var portfolio: PortfolioSpec?
    /// Collateral auction parameters; absent: `AuctionSettings.standard`, and no state entry.
    public var auctions: AuctionSpec?

    /// collateral-auctions.md, "Parameters", with the USDC amounts as decimal strings.
    public struct AuctionSpec: Codable, Equatable, Sendable {
        public var bufPpm: UInt32
        public var cutPpm: UInt32
        public var stepSeconds: UInt32
        public var cuspPpm: UInt32
        public var tailSeconds: UInt32
        public var tip: String
        public var chipPpm: UInt32
        public var maxIncentive: String
        enum CodingKeys: String, CodingKey {
            case bufPpm = "buf_ppm", cutPpm = "cut_ppm", stepSeconds = "step_seconds", cuspPpm = "cusp_ppm"
            case tailSeconds = "tail_seconds", tip, chipPpm = "chip_ppm", maxIncentive = "max_incentive"
        }
    }

    public struct AssetSpec: Codable, Equatable, Sendable {
        public var id: AssetID
        public var symbol: String
        public var decimals: UInt8
        /// Accepted as vault collateral at oracle price × (1 − haircut) when present (not for USDC).
        public var collateralHaircutPpm: UInt32?
        /// A yield asset over USDC accruing at this annual rate (yield-assets.md), when present.
        public var yieldAprPpm: UInt32?
        public init(id: AssetID, symbol: String, decimals: UInt8, collateralHaircutPpm: UInt32? = nil, yieldAprPpm: UInt32? = nil) {
            self.id = id; self.symbol = symbol; self.decimals = decimals; self.collateralHaircutPpm = collateralHaircutPpm
            self.yieldAprPpm = yieldAprPpm
        }
        enum CodingKeys: String, CodingKey {
            case id, symbol, decimals, collateralHaircutPpm = "collateral_haircut_ppm", yieldAprPpm = "yield_apr_ppm"
        }
    }

    /// Perpetual markets, the trading fee split, the insurance fund and the liquidation rules.
    public struct PerpsGenesis: Codable, Equatable, Sendable {
        /// The share of every trading fee that goes to the insurance fund; the rest stays in the fee pool.
        public var insuranceFeeSharePpm: UInt32
        /// The insurance fund's starting balance, USDC (created at genesis, part of the USDC supply).
        public var insuranceFund: String
        public var liquidation: LiquidationSpec
        public var markets: [PerpMarketSpec]
        public init(insuranceFeeSharePpm: UInt32, insuranceFund: String, liquidation: LiquidationSpec, markets: [PerpMarketSpec]) {
            self.insuranceFeeSharePpm = insuranceFeeSharePpm
            self.insuranceFund = insuranceFund
            self.liquidation = liquidation
            self.markets = markets
        }
        enum CodingKeys: String, CodingKey {
            case insuranceFeeSharePpm = "insurance_fee_share_ppm", insuranceFund = "insurance_fund", liquidation, markets
        }
    }

    /// The liquidation parameters with amounts in USDC (contracts-spec/liquidation.md, "Parameters").
    public struct LiquidationSpec: Codable, Equatable, Sendable {
        public var feePpm: UInt32
        public var maxFee: String
        public var keeperTip: String
        public var keeperSharePpm: UInt32
        public var maxBounty: String
        public var bufferPpm: UInt32
        public var maxPositionNotionalPerBlock: String
        public var maxVaultNotionalPerBlock: String
        public var backstopDiscountPpm: UInt32

        public init(feePpm: UInt32, maxFee: String, keeperTip: String, keeperSharePpm: UInt32, maxBounty: String, bufferPpm: UInt32,
                    maxPositionNotionalPerBlock: String, maxVaultNotionalPerBlock: String, backstopDiscountPpm: UInt32) {
            self.feePpm = feePpm; self.maxFee = maxFee; self.keeperTip = keeperTip; self.keeperSharePpm = keeperSharePpm
            self.maxBounty = maxBounty; self.bufferPpm = bufferPpm; self.maxPositionNotionalPerBlock = maxPositionNotionalPerBlock
            self.maxVaultNotionalPerBlock = maxVaultNotionalPerBlock; self.backstopDiscountPpm = backstopDiscountPpm
        }

        enum CodingKeys: String, CodingKey {
            case feePpm = "fee_ppm", maxFee = "max_fee", keeperTip = "keeper_tip", keeperSharePpm = "keeper_share_ppm"
            case maxBounty = "max_bounty", bufferPpm = "buffer_ppm"
            case maxPositionNotionalPerBlock = "max_position_notional_per_block"
            case maxVaultNotionalPerBlock = "max_vault_notional_per_block"
            case backstopDiscountPpm = "backstop_discount_ppm"
        }
    }

    /// A market in human units: prices and ticks in dollars, sizes in base units, notionals in USDC.
    public struct PerpMarketSpec: Codable, Equatable, Sendable {
        public struct Tier: Codable, Equatable, Sendable {
            /// Upper end of the band in USDC; absent for the last tier.
            public var maxNotional: String?
            public var initialPpm: UInt32
            public var maintenancePpm: UInt32
            public init(maxNotional: String?, initialPpm: UInt32, maintenancePpm: UInt32) {
                self.maxNotional = maxNotional; self.initialPpm = initialPpm; self.maintenancePpm = maintenancePpm
            }
            enum CodingKeys: String, CodingKey { case maxNotional = "max_notional", initialPpm = "initial_ppm", maintenancePpm = "maintenance_ppm" }
        }
        public var id: UInt32
        public var symbol: String
        /// Oracle market symbol, e.g. "BTC-USD".
        public var oracleMarket: String
        public var tickSize: String
        public var stepSize: String
        public var minOrderSize: String
        public var makerFeePpm: UInt32
        public var takerFeePpm: UInt32
        public var marginTiers: [Tier]
        /// Funding (perpetuals only; required for them).
        public var fundingIntervalMs: UInt64?
        public var fundingSampleIntervalMs: UInt64?
        public var fundingRateCapPpm: UInt32?
        /// USDC.
        public var impactNotional: String
        /// "perpetual" (the default), "future" or "option".
        public var kind: String?
        /// Futures and options: the expiry, "YYYY-MM-DDTHH:MM:SSZ" (UTC).
        public var expiry: String?
        /// Options: the strike in dollars, "call" or "put", and the volatility feed (an oracle
        /// market like "BTC-IV").
        public var strike: String?
        public var optionType: String?
        public var volatilityOracle: String?
        /// Perpetuals and futures: open-interest caps in USDC, both or neither (margin.md,
        /// "Open-interest scaling").
        public var oiLowerCap: String?
        public var oiUpperCap: String?

        public init(id: UInt32, symbol: String, oracleMarket: String, tickSize: String, stepSize: String, minOrderSize: String,
                    makerFeePpm: UInt32, takerFeePpm: UInt32, marginTiers: [Tier], fundingIntervalMs: UInt64?,
                    fundingSampleIntervalMs: UInt64?, fundingRateCapPpm: UInt32?, impactNotional: String) {
            self.id = id; self.symbol = symbol; self.oracleMarket = oracleMarket; self.tickSize = tickSize; self.stepSize = stepSize
            self.minOrderSize = minOrderSize; self.makerFeePpm = makerFeePpm; self.takerFeePpm = takerFeePpm; self.marginTiers = marginTiers
            self.fundingIntervalMs = fundingIntervalMs; self.fundingSampleIntervalMs = fundingSampleIntervalMs
            self.fundingRateCapPpm = fundingRateCapPpm; self.impactNotional = impactNotional
        }

        enum CodingKeys: String, CodingKey {
            case id, symbol, oracleMarket = "oracle_market", tickSize = "tick_size", stepSize = "step_size", minOrderSize = "min_order_size"
            case makerFeePpm = "maker_fee_ppm", takerFeePpm = "taker_fee_ppm", marginTiers = "margin_tiers"
            case fundingIntervalMs = "funding_interval_ms", fundingSampleIntervalMs = "funding_sample_interval_ms"
            case fundingRateCapPpm = "funding_rate_cap_ppm", impactNotional = "impact_notional"
            case kind, expiry, strike, optionType = "option_type", volatilityOracle = "volatility_oracle"
            case oiLowerCap = "oi_lower_cap", oiUpperCap = "oi_upper_cap"
        }
    }

    public struct GenesisAccount: Codable, Equatable, Sendable {
        public var name: String?
        public var address: String
        public var wallet: [Holding]
        public init(name: String?, address: String, wallet: [Holding]) {
            self.name = name; self.address = address; self.wallet = wallet
        }
    }

    /// An amount of an asset in whole units, as a decimal string ("1000000", "2.5").
    public struct Holding: Codable, Equatable, Sendable {
        public var asset: String
        public var amount: String
        public init(asset: String, amount: String) { self.asset = asset; self.amount = amount }
    }

    public struct DevnetInfo: Codable, Equatable, Sendable {
        public var seedPhrase: String
        public var warning: String
        public init(seedPhrase: String, warning: String) { self.seedPhrase = seedPhrase; self.warning = warning }
        enum CodingKeys: String, CodingKey {
            case seedPhrase = "seed_phrase"
            case warning
        }
    }

    /// The oracle: whitelisted signers, limits, and one market per priced asset.
    public struct OracleGenesis: Codable, Equatable, Sendable {
        public var signers: [String]
        public var settings: OracleSettings
        public var markets: [OracleMarketSpec]

        public init(signers: [String], settings: OracleSettings, markets: [OracleMarketSpec]) {
            self.signers = signers
            self.settings = settings
            self.markets = markets
        }

        enum CodingKeys: String, CodingKey { case signers, markets }

        // The settings sit beside `signers` and `markets` in the same JSON object.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            signers = try c.decode([String].self, forKey: .signers)
            markets = try c.decode([OracleMarketSpec].self, forKey: .markets)
            settings = try OracleSettings(from: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            try settings.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(signers, forKey: .signers)
            try c.encode(markets, forKey: .markets)
        }
    }

    public struct OracleMarketSpec: Codable, Equatable, Sendable {
        public var id: UInt32
        /// "BTC-USD": the base, a dash, USD.
        public var symbol: String
        /// The chain asset this market prices, by symbol (absent for a market with no asset, like SOL-USD).
        public var asset: String?
        /// A starting price in whole dollars, dated at genesis time (absent: no price until the first update).
        public var initialPrice: String?

        public init(id: UInt32, symbol: String, asset: String?, initialPrice: String?) {
            self.id = id
            self.symbol = symbol
            self.asset = asset
            self.initialPrice = initialPrice
        }

        enum CodingKeys: String, CodingKey { case id, symbol, asset, initialPrice = "initial_price" }
    }

    enum CodingKeys: String, CodingKey {
        case chainId = "chain_id"
        case genesisTimeMs = "genesis_time_ms"
        case validator, admin, assets, params, accounts, oracle, perps, devnet, portfolio, auctions
    }

    public init(chainId: String, genesisTimeMs: UInt64, validator: String, admin: String, assets: [AssetSpec],
                params: Params, accounts: [GenesisAccount], oracle: OracleGenesis, perps: PerpsGenesis, devnet: DevnetInfo?,
                portfolio: PortfolioSpec? = nil, auctions: AuctionSpec? = nil) {
        self.chainId = chainId
        self.genesisTimeMs = genesisTimeMs
        self.validator = validator
        self.admin = admin
        self.assets = assets
        self.params = params
        self.accounts = accounts
        self.oracle = oracle
        self.perps = perps
        self.devnet = devnet
        self.portfolio = portfolio
        self.auctions = auctions
    }
}
