extension Margin {
    /// One vault's margin inputs read once (contracts-spec/margin.md, "Vault risk"): its record,
    /// its collateral valued, its positions, and each market's mark as first needed. `risk()`
    /// and `risk(adjusted:)` check and price in the order a fresh valuation would, so each throws
    /// what `Margin.risk` would.
    ///
    /// Not generic over the reader (each method takes it): code that values vaults through a
    /// reader of a type the core does not see (the node's snapshots) runs this unspecialized,
    /// where a generic struct's fields would each cost a metadata lookup.
    struct Valuation {
        /// The time prices must be fresh at, and option marks are taken at.
        let time: UInt64
        let mode: Prices
        let vault: Vault
        /// Every collateral asset, valued with its (maintenance) haircut at the mode's price, and
        /// what its initial haircut holds back (haircuts.md, "The two haircuts").
        let collateral: [CollateralRisk]
        /// The positions as stored, in market order (a zero size is skipped when valued).
        let held: [(market: UInt32, position: Position)]
        /// Risk of each held position (same index), once computed.
        private var heldRisk: [PositionRisk?]
        /// The markets' open-interest caps and depth add-ons (margin.md, "Open-interest scaling",
        /// "Book-depth add-on").
        let caps: OpenInterestCaps
        let depths: DepthAddOns
        /// The volatility surfaces options are marked on (vol-surface.md).
        let surfaces: VolSurfaces

        init(of id: VaultID, state: some StateReader, at time: UInt64, prices mode: Prices) throws(ProtocolError) {
            guard let vault = state.vault(id) else { throw ProtocolError(.vaultNotFound, "account \(id.owner) has no vault \(id.number)") }
            var collateral = [CollateralRisk]()
            let haircuts = vault.collateral.isEmpty ? DynamicHaircuts() : state.dynamicHaircuts()
            let yields = vault.collateral.isEmpty ? YieldAssets() : state.yieldAssets()
            for entry in vault.collateral.entries {
                guard let asset = state.asset(entry.asset), let (haircut, initial) = haircuts.haircuts(of: asset) else {
                    throw ProtocolError(.assetNotCollateral, "vault \(id) holds asset \(entry.asset), which is not collateral")
                }
                let p = try collateralPrice(asset, yields: yields, state, time, mode)
                let value = try CollateralRisk.value(entry.amount, asset: asset, price: p, haircutPpm: haircut)
                let addOn = initial == haircut ? 0 : value - (try CollateralRisk.value(entry.amount, asset: asset, price: p, haircutPpm: initial))
                collateral.append(CollateralRisk(asset: asset, amount: entry.amount, oraclePrice: p, haircutPpm: haircut, value: value,
                                                 haircutAddOn: addOn))
            }
            (self.time, self.mode, self.vault, self.collateral) = (time, mode, vault, collateral)
            held = state.positions(of: id)
            heldRisk = [PositionRisk?](repeating: nil, count: held.count)
            caps = state.openInterestCaps()
            depths = state.depthAddOns()
            surfaces = state.volSurfaces()
        }

        /// The vault as it is.
        mutating func risk(_ state: some StateReader) throws(ProtocolError) -> VaultRisk {
            var positions = [PositionRisk]()
            for (i, (market, position)) in held.enumerated() where position.size != 0 {
                positions.append(try heldPositionRisk(i, market, position, state))
            }
            return try finish(quote: vault.quote, positions, state)
        }

        /// The vault with `adjust` applied to one position (a new one is valued last).
        mutating func risk(adjusted adjust: Adjustment, _ state: some StateReader) throws(ProtocolError) -> VaultRisk {
            var changed = held
            if let i = changed.firstIndex(where: { $0.market == adjust.market }) {
                let (size, overflow) = changed[i].position.size.addingReportingOverflow(adjust.size)
                guard !overflow, size.magnitude <= Limits.maxSize else { throw Limits.positionTooLarge(market: adjust.market) }
                changed[i].position.size = size
            } else {
                changed.append((adjust.market, Position(size: adjust.size, fundingIndex: state.perpMarket(adjust.market)?.fundingIndex ?? 0)))
            }
            var positions = [PositionRisk]()
            // `changed` is `held` with one entry changed or one added last: the same index.
            for (i, (market, position)) in changed.enumerated() where position.size != 0 {
                positions.append(market == adjust.market ? try positionRisk(market, position, state)
                                                         : try heldPositionRisk(i, market, position, state))
            }
            return try finish(quote: try vault.quote.adding(adjust.quote), positions, state)
        }

        private mutating func heldPositionRisk(_ i: Int, _ market: UInt32, _ position: Position,
                                               _ state: some StateReader) throws(ProtocolError) -> PositionRisk {
            if let known = heldRisk[i] { return known }
            let risk = try positionRisk(market, position, state)
            heldRisk[i] = risk
            return risk
        }

        private func positionRisk(_ marketID: UInt32, _ position: Position, _ state: some StateReader) throws(ProtocolError) -> PositionRisk {
            guard let market = state.perpMarket(marketID) else { throw ProtocolError(.unknownMarket, "market \(marketID) does not exist") }
            let p = try price(market.params.oracleMarket, state, time, mode)
            var mark = Mark(underlying: p)
            if case .option(let expiry, _, _, let volOracle) = market.params.instrument {
                let (vol, feeds) = try optionVolatility(volOracle, expiry: expiry, surfaces: surfaces, state, time, mode)
                mark = optionMark(market.params, underlying: p, vol: vol, at: time)
                mark.volFeeds = feeds.map { VolFeed(market: $0, value: state.oracleMarket($0)?.price ?? 0) }
            }
            return try Margin.positionRisk(market, position, mark: mark, caps: caps.caps(of: marketID), depth: depths.addOn(of: marketID))
        }

        private func finish(quote: Int128, _ positions: [PositionRisk], _ state: some StateReader) throws(ProtocolError) -> VaultRisk {
            guard vault.mode == .portfolio else { return try VaultRisk(quote: quote, collateral: collateral, positions: positions) }
            let settings = state.portfolioSettings()
            return try VaultRisk(quote: quote, collateral: collateral, positions: positions,
                                 portfolio: try portfolio(positions, settings: settings), portfolioSettings: settings)
        }
    }
}
