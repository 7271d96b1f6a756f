import SolventCrypto

/// The genesis document (contracts-spec/genesis.md): the chain's identity, validator, assets,
/// parameters and initial accounts. Read from JSON by the node; validated before use.
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

        func settings() throws(GenesisError) -> AuctionSettings {
            func usdc(_ t: String, _ what: String) throws(GenesisError) -> UInt128 {
                guard let v = try? Amount.parse(t, decimals: 6) else { throw GenesisError("auctions: \(what) '\(t)' is not a USDC amount") }
                return v
            }
            let s = AuctionSettings(bufPpm: bufPpm, cutPpm: cutPpm, stepSeconds: stepSeconds, cuspPpm: cuspPpm, tailSeconds: tailSeconds,
                                    tip: try usdc(tip, "tip"), chipPpm: chipPpm, maxIncentive: try usdc(maxIncentive, "max_incentive"))
            do { try s.validate() } catch { throw GenesisError("auctions: \(error.message)") }
            return s
        }
    }

    /// portfolio-margin.md, "Parameters", in genesis units (oracle markets by symbol).
    public struct PortfolioSpec: Codable, Equatable, Sendable {
        public struct Credit: Codable, Equatable, Sendable {
            public var first: String
            public var second: String
            public var creditPpm: UInt32
            enum CodingKeys: String, CodingKey { case first, second, creditPpm = "credit_ppm" }
        }
        public var priceRangePpm: UInt32
        public var priceSteps: UInt8
        public var volMovePpm: UInt32
        public var extremeMovePpm: UInt32
        public var extremeCoverPpm: UInt32
        public var shortOptionPpm: UInt32
        public var hedgedDeltaPpm: UInt32
        public var maintenancePpm: UInt32
        public var closeoutPpm: UInt32
        public var credits: [Credit]
        enum CodingKeys: String, CodingKey {
            case priceRangePpm = "price_range_ppm", priceSteps = "price_steps", volMovePpm = "vol_move_ppm"
            case extremeMovePpm = "extreme_move_ppm", extremeCoverPpm = "extreme_cover_ppm", shortOptionPpm = "short_option_ppm"
            case hedgedDeltaPpm = "hedged_delta_ppm", maintenancePpm = "maintenance_ppm", closeoutPpm = "closeout_ppm", credits
        }

        func settings(oracleMarkets: [String: UInt32]) throws(GenesisError) -> PortfolioSettings {
            var credits = [PortfolioSettings.SpreadCredit]()
            for c in self.credits {
                guard let a = oracleMarkets[c.first], let b = oracleMarkets[c.second] else {
                    throw GenesisError("portfolio: spread credit \(c.first)/\(c.second) names an unknown oracle market")
                }
                credits.append(.init(first: a, second: b, creditPpm: c.creditPpm))
            }
            let s = PortfolioSettings(priceRangePpm: priceRangePpm, priceSteps: priceSteps, volMovePpm: volMovePpm,
                                      extremeMovePpm: extremeMovePpm, extremeCoverPpm: extremeCoverPpm, shortOptionPpm: shortOptionPpm,
                                      hedgedDeltaPpm: hedgedDeltaPpm, maintenancePpm: maintenancePpm, closeoutPpm: closeoutPpm,
                                      credits: credits)
            do { try s.validate() } catch { throw GenesisError(error.message) }
            return s
        }
    }

    public struct AssetSpec: Codable, Equatable, Sendable {
        public var id: AssetID
        public var symbol: String
        public var decimals: UInt8
        /// Accepted as vault collateral at oracle price × (1 − haircut) when present (not for USDC).
        public var collateralHaircutPpm: UInt32?
        public init(id: AssetID, symbol: String, decimals: UInt8, collateralHaircutPpm: UInt32? = nil) {
            self.id = id; self.symbol = symbol; self.decimals = decimals; self.collateralHaircutPpm = collateralHaircutPpm
        }
        enum CodingKeys: String, CodingKey { case id, symbol, decimals, collateralHaircutPpm = "collateral_haircut_ppm" }
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

        /// The settings in protocol units.
        public func settings() throws(GenesisError) -> LiquidationSettings {
            func usdc(_ t: String, _ what: String) throws(GenesisError) -> UInt128 {
                guard let v = try? Amount.parse(t, decimals: 6) else { throw GenesisError("liquidation: \(what) '\(t)' is not a USDC amount") }
                return v
            }
            let s = LiquidationSettings(
                feePpm: feePpm, maxFee: try usdc(maxFee, "max_fee"), keeperTip: try usdc(keeperTip, "keeper_tip"),
                keeperSharePpm: keeperSharePpm, maxBounty: try usdc(maxBounty, "max_bounty"), bufferPpm: bufferPpm,
                maxPositionNotionalPerBlock: try usdc(maxPositionNotionalPerBlock, "max_position_notional_per_block"),
                maxVaultNotionalPerBlock: try usdc(maxVaultNotionalPerBlock, "max_vault_notional_per_block"),
                backstopDiscountPpm: backstopDiscountPpm)
            do {
                try s.validate()
            } catch {
                throw GenesisError("liquidation: \(error.message)")
            }
            return s
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
        }

        /// The market in protocol units.
        func params(oracleMarkets: [String: UInt32]) throws(GenesisError) -> PerpMarketParams {
            func price(_ t: String, _ what: String) throws(GenesisError) -> UInt64 {
                guard let v = OraclePrice.parse(t) else { throw GenesisError("market \(symbol): \(what) '\(t)' is not a positive price with at most 8 decimals") }
                return v
            }
            func size(_ t: String, _ what: String) throws(GenesisError) -> UInt64 {
                guard let v = try? Amount.parse(t, decimals: PerpUnits.sizeDecimals), v > 0, v <= UInt128(Int64.max) else {
                    throw GenesisError("market \(symbol): \(what) '\(t)' is not a positive size with at most 8 decimals")
                }
                return UInt64(v)
            }
            func usdc(_ t: String, _ what: String) throws(GenesisError) -> UInt128 {
                guard let v = try? Amount.parse(t, decimals: 6), v > 0 else { throw GenesisError("market \(symbol): \(what) '\(t)' is not a positive USDC amount") }
                return v
            }
            guard let oracle = oracleMarkets[oracleMarket] else { throw GenesisError("market \(symbol): no oracle market \(oracleMarket)") }
            guard !oracleMarket.hasSuffix("-IV") else {
                throw GenesisError("market \(symbol): oracle_market must name a price (like BTC-USD), not the volatility feed \(oracleMarket)")
            }
            var tiers = [MarginTier]()
            for (i, t) in marginTiers.enumerated() {
                let max: UInt128?
                if let text = t.maxNotional { max = try usdc(text, "tier \(i) max_notional") } else { max = nil }
                tiers.append(MarginTier(maxNotional: max, initialPpm: t.initialPpm, maintenancePpm: t.maintenancePpm))
            }
            let instrument: Instrument
            func expiryMs() throws(GenesisError) -> UInt64 {
                guard let text = expiry, let ms = UTCTime.parse(text) else {
                    throw GenesisError("market \(symbol): expiry must be a UTC time like 2027-03-26T08:00:00Z")
                }
                return ms
            }
            switch kind ?? "perpetual" {
            case "perpetual":
                guard fundingIntervalMs != nil, fundingSampleIntervalMs != nil, fundingRateCapPpm != nil else {
                    throw GenesisError("market \(symbol): a perpetual needs funding_interval_ms, funding_sample_interval_ms and funding_rate_cap_ppm")
                }
                instrument = .perpetual
            case "future":
                instrument = .future(expiryMs: try expiryMs())
            case "option":
                guard let type = optionType, type == "call" || type == "put" else {
                    throw GenesisError("market \(symbol): option_type must be call or put")
                }
                guard let volName = volatilityOracle, let vol = oracleMarkets[volName], volName.hasSuffix("-IV") else {
                    throw GenesisError("market \(symbol): volatility_oracle must name a volatility feed (an oracle market like BTC-IV)")
                }
                instrument = .option(expiryMs: try expiryMs(), strike: try price(strike ?? "", "strike"), isCall: type == "call", volOracle: vol)
            default:
                throw GenesisError("market \(symbol): kind must be perpetual, future or option")
            }
            return PerpMarketParams(
                id: id, symbol: symbol, oracleMarket: oracle, tickSize: try price(tickSize, "tick_size"),
                stepSize: try size(stepSize, "step_size"), minOrderSize: try size(minOrderSize, "min_order_size"),
                makerFeePpm: makerFeePpm, takerFeePpm: takerFeePpm, tiers: tiers, fundingIntervalMs: fundingIntervalMs ?? 3_600_000,
                fundingSampleIntervalMs: fundingSampleIntervalMs ?? 60_000, fundingRateCapPpm: fundingRateCapPpm ?? 0,
                impactNotional: try usdc(impactNotional, "impact_notional"), instrument: instrument)
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

public struct GenesisError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "invalid genesis: \(message)" }
}

extension Genesis {
    public var validatorAddress: Address? {
        Hex.decode(validator).flatMap { Bytes32($0) }.map(Address.init)
    }

    /// Checks every rule in contracts-spec/genesis.md and returns the initial state's entries.
    public func initialState() throws(GenesisError) -> StateOverlay {
        do {
            try TxCodec.validateChainId(chainId)
        } catch {
            throw GenesisError("chain_id: \(error.message)")
        }
        guard genesisTimeMs > 0 else { throw GenesisError("genesis_time_ms must be positive") }
        guard validatorAddress != nil else {
            throw GenesisError("validator must be a 32-byte Ed25519 public key in hex")
        }
        guard let admin = Hex.decode(admin).flatMap({ Bytes32($0) }).map(Address.init) else {
            throw GenesisError("admin must be a 32-byte Ed25519 public key in hex")
        }
        guard params.maxBlockTransactions > 0, params.maxBlockBytes >= UInt32(TxCodec.maxTransactionBytes) else {
            throw GenesisError("params: max_block_transactions must be positive and max_block_bytes at least \(TxCodec.maxTransactionBytes)")
        }
        guard params.maxVaultsPerAccount > 0 else { throw GenesisError("params: max_vaults_per_account must be positive") }

        var bySymbol: [String: Asset] = [:]
        var ids = Set<AssetID>()
        for spec in assets {
            guard !spec.symbol.isEmpty, spec.symbol.utf8.count <= 16,
                  spec.symbol.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }) else {
                throw GenesisError("asset symbol '\(spec.symbol)' must be 1 to 16 characters A-Z or 0-9")
            }
            guard spec.decimals <= 30 else { throw GenesisError("asset \(spec.symbol): decimals must be at most 30") }
            if let haircut = spec.collateralHaircutPpm {
                guard spec.symbol != "USDC", haircut < 1_000_000 else {
                    throw GenesisError("asset \(spec.symbol): collateral_haircut_ppm must be below 1000000, and USDC has none")
                }
            }
            guard ids.insert(spec.id).inserted, bySymbol[spec.symbol] == nil else {
                throw GenesisError("asset id \(spec.id) or symbol \(spec.symbol) appears twice")
            }
            bySymbol[spec.symbol] = Asset(id: spec.id, symbol: spec.symbol, decimals: spec.decimals, haircutPpm: spec.collateralHaircutPpm)
        }
        guard let usdc = bySymbol["USDC"], usdc.decimals == 6 else {
            throw GenesisError("assets must include USDC with 6 decimals (the quote asset)")
        }

        let state = StateOverlay(base: EmptyState())
        state.putParams(params)
        for spec in assets { state.putAsset(bySymbol[spec.symbol]!) }
        var seen = Set<Address>()
        for entry in accounts {
            guard let address = Address(text: entry.address) else {
                throw GenesisError("account address '\(entry.address)' is not a valid address")
            }
            guard seen.insert(address).inserted else { throw GenesisError("account \(entry.address) appears twice") }
            var account = Account()
            for holding in entry.wallet {
                guard let asset = bySymbol[holding.asset] else {
                    throw GenesisError("account \(entry.address): unknown asset \(holding.asset)")
                }
                let amount: UInt128
                do {
                    amount = try Amount.parse(holding.amount, decimals: Int(asset.decimals))
                } catch {
                    throw GenesisError("account \(entry.address): \(holding.asset) amount: \(error)")
                }
                do {
                    try account.wallet.credit(asset, amount, what: "genesis wallet of \(entry.address)")
                } catch {
                    throw GenesisError(error.message)
                }
            }
            state.putAccount(address, account)
        }
        state.putAdmin(admin)
        try initialOracle(bySymbol: bySymbol, state: state)
        try initialPerps(state: state)
        return state
    }

    private func initialPerps(state: StateOverlay) throws(GenesisError) {
        guard perps.insuranceFeeSharePpm <= 1_000_000 else { throw GenesisError("perps: insurance_fee_share_ppm is at most 1000000") }
        state.setInsuranceFeeSharePpm(perps.insuranceFeeSharePpm)
        state.setLiquidationSettings(try perps.liquidation.settings())
        guard let seed = try? Amount.parse(perps.insuranceFund, decimals: 6) else {
            throw GenesisError("perps: insurance_fund '\(perps.insuranceFund)' is not a USDC amount")
        }
        guard seed <= LiquidationSettings.maxAmount else {
            throw GenesisError("perps: insurance_fund '\(perps.insuranceFund)' is more than 2^96 quantums")
        }
        do {
            try InsuranceFund.seed(seed, state: state)
        } catch {
            throw GenesisError("perps: insurance_fund: \(error.message)")
        }
        let oracleMarkets = Dictionary(uniqueKeysWithValues: oracle.markets.map { ($0.symbol, $0.id) })
        let portfolioSettings = try portfolio?.settings(oracleMarkets: oracleMarkets) ?? .standard
        do {
            try state.liquidationSettings().checkSoundness(portfolio: portfolioSettings)
        } catch {
            throw GenesisError(error.message)
        }
        state.setPortfolioSettings(portfolioSettings)
        if let auctions { state.setAuctionSettings(try auctions.settings()) }
        if devnet != nil { state.markDevnetChain() }
        var ids = Set<UInt32>(), symbols = Set<String>()
        for spec in perps.markets {
            let params = try spec.params(oracleMarkets: oracleMarkets)
            do {
                try params.validate()
            } catch {
                throw GenesisError(error.message)
            }
            guard ids.insert(params.id).inserted, symbols.insert(params.symbol).inserted else {
                throw GenesisError("market id \(params.id) or symbol \(params.symbol) appears twice")
            }
            do {
                try state.liquidationSettings().checkSoundness(markets: [params])
            } catch {
                throw GenesisError(error.message)
            }
            var market = PerpMarket(params: params)
            market.nextSampleMs = genesisTimeMs + params.fundingSampleIntervalMs
            market.nextFundingMs = genesisTimeMs + params.fundingIntervalMs
            state.putPerpMarket(market)
        }
    }

    private func initialOracle(bySymbol: [String: Asset], state: StateOverlay) throws(GenesisError) {
        var signers = [Bytes32]()
        for text in oracle.signers {
            guard let key = Hex.decode(text).flatMap({ Bytes32($0) }) else {
                throw GenesisError("oracle signer '\(text)' must be a 32-byte Ed25519 public key in hex")
            }
            guard !signers.contains(key) else { throw GenesisError("oracle signer \(text) appears twice") }
            signers.append(key)
        }
        guard signers.count <= 64 else { throw GenesisError("oracle: at most 64 signers") }
        do {
            try oracle.settings.validate(signerCount: signers.count)
        } catch {
            throw GenesisError("oracle: \(error.message)")
        }
        state.putOracleConfig(OracleConfig(settings: oracle.settings, signers: signers))
        var ids = Set<UInt32>(), symbols = Set<String>(), priced = Set<AssetID>()
        for spec in oracle.markets {
            let parts = spec.symbol.split(separator: "-")
            guard parts.count == 2, parts[1] == "USD" || parts[1] == "IV", !parts[0].isEmpty, parts[0].utf8.count <= 16,
                  parts[0].utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }) else {
                throw GenesisError("oracle market symbol '\(spec.symbol)' must look like BTC-USD (a price) or BTC-IV (a volatility feed)")
            }
            if parts[1] == "IV", spec.asset != nil {
                throw GenesisError("oracle market \(spec.symbol) is a volatility feed and prices no asset")
            }
            guard ids.insert(spec.id).inserted, symbols.insert(spec.symbol).inserted else {
                throw GenesisError("oracle market id \(spec.id) or symbol \(spec.symbol) appears twice")
            }
            var base: AssetID?
            if let symbol = spec.asset {
                guard let asset = bySymbol[symbol], symbol != "USDC" else {
                    throw GenesisError("oracle market \(spec.symbol): '\(symbol)' is not a priceable asset (USDC is 1 by definition)")
                }
                guard parts[0] == symbol else {
                    throw GenesisError("oracle market \(spec.symbol) prices \(symbol): its symbol must be \(symbol)-USD")
                }
                guard priced.insert(asset.id).inserted else {
                    throw GenesisError("oracle market \(spec.symbol): asset \(symbol) already has a market")
                }
                base = asset.id
                var linked = asset
                linked.oracleMarket = spec.id
                state.putAsset(linked)
            }
            var market = OracleMarket(id: spec.id, symbol: spec.symbol, baseAsset: base)
            if let text = spec.initialPrice {
                guard let price = OraclePrice.parse(text), price <= Limits.maxPrice else {
                    throw GenesisError("oracle market \(spec.symbol): initial_price '\(text)' is not a positive price with at most 8 decimals, at most 10000000000")
                }
                market.price = price
                market.median = price
                market.updatedAtMs = genesisTimeMs
            }
            state.putOracleMarket(market)
        }
        for spec in assets where spec.collateralHaircutPpm != nil && !priced.contains(spec.id) {
            throw GenesisError("asset \(spec.symbol) is collateral but no oracle market prices it")
        }
    }
}
