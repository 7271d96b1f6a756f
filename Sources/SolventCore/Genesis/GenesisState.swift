import SolventCrypto

// The rules that turn the genesis document into the initial state (contracts-spec/genesis.md,
// "Validation", stage 2, and "What genesis puts in state").

/// A genesis rule broken: the message says which (genesis.md, "Validation").
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
            if let apr = spec.yieldAprPpm {
                guard spec.symbol != "USDC", spec.decimals == 6, apr <= YieldAssets.maxAprPpm else {
                    throw GenesisError("asset \(spec.symbol): a yield asset has 6 decimals, is not USDC, and yield_apr_ppm is at most 1000000")
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
        state.put(params)
        for spec in assets { state.putAsset(bySymbol[spec.symbol]!) }
        let yields = assets.compactMap { spec in spec.yieldAprPpm.map { YieldAssets.Entry(asset: spec.id, aprPpm: $0, accruedAtMs: genesisTimeMs) } }
        if !yields.isEmpty { state.put(YieldAssets(entries: yields.sorted { $0.asset < $1.asset })) }
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
        state.put(try perps.liquidation.settings())
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
        state.put(portfolioSettings)
        if let auctions { state.put(try auctions.settings()) }
        if devnet != nil { state.markDevnetChain() }
        var ids = Set<UInt32>(), symbols = Set<String>()
        var caps = [OpenInterestCaps.Entry]()
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
            if let entry = try spec.openInterestCaps(params) { caps.append(entry) }
        }
        // Written only when a market has caps: a genesis without them has no such entry.
        if !caps.isEmpty { state.put(OpenInterestCaps(entries: caps.sorted { $0.market < $1.market })) }
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
        state.put(OracleConfig(settings: oracle.settings, signers: signers))
        var ids = Set<UInt32>(), symbols = Set<String>(), priced = Set<AssetID>()
        for spec in oracle.markets {
            let parts = spec.symbol.split(separator: "-")
            // BASE-USD, BASE-IV, or BASE-IV-DDMMMYY (a point of BASE-IV's surface, vol-surface.md).
            guard parts.count == 2 || (parts.count == 3 && VolSurfaces.expiry(ofFeed: spec.symbol) != nil),
                  parts[1] == "USD" || parts[1] == "IV", !parts[0].isEmpty, parts[0].utf8.count <= 16,
                  parts[0].utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }) else {
                throw GenesisError("oracle market symbol '\(spec.symbol)' must look like BTC-USD (a price), BTC-IV or BTC-IV-26MAR27 (a volatility feed)")
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
                guard assets.first(where: { $0.symbol == symbol })?.yieldAprPpm == nil else {
                    throw GenesisError("oracle market \(spec.symbol): \(symbol) is a yield asset, priced by its rate")
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
        for spec in assets where spec.collateralHaircutPpm != nil && spec.yieldAprPpm == nil && !priced.contains(spec.id) {
            throw GenesisError("asset \(spec.symbol) is collateral but no oracle market prices it")
        }
    }
}
