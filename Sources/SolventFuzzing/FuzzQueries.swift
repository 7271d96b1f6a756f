import SolventCore
import SolventCrypto

extension FuzzChain {
    /// What the RPC, the keeper probes and the liquidation index compute: on every vault or on
    /// one, as the input chooses (the full set is slow, and speed is coverage).
    mutating func queries(_ input: inout FuzzInput) {
        var vaults = committed.entries(.vaults, prefix: []).compactMap { VaultID(key: $0.key) }
        let time = timeMs &+ 1_000
        let choice = input.u8()
        if choice & 1 == 0, !vaults.isEmpty { vaults = [vaults[input.pick(vaults.count)]] }
        for id in vaults {
            for prices in [Margin.Prices.latest, .freshOnly] {
                guard let risk = try? Margin.risk(of: id, state: committed, at: time, prices: prices) else { continue }
                Self.touch(risk)
                for p in risk.positions {
                    if let market = committed.perpMarket(p.market) {
                        _ = Margin.liquidationPrice(of: p, in: risk, tiers: market.params.tiers)
                    }
                }
                // RiskBands.compute(vault:) is this valuation at the latest prices, then the bands:
                // given the valuation already made, the same figures for a third less time.
                if prices == .latest, !risk.positions.isEmpty { _ = RiskBands.compute(risk: risk, state: committed) }
            }
        }
        if choice & 2 == 0 {
            let move = RiskShock.Move(oracleMarket: oracleMarkets[input.pick(oracleMarkets.count)],
                                      ppm: input.signedInteresting(Int64.self) % 100_000_001)
            if let report = try? RiskShock.run(moves: [move], candidates: vaults, state: committed, context: nextContext) {
                _ = (report.totalBounties, report.totalFees, report.fundDraw, report.adlNotional, report.closedNotional, report.adlSize)
            }
        }
        if choice & 4 == 0 {
            let market = markets[input.pick(markets.count)]
            _ = AutoDeleveraging.ranking(market: market, long: input.bool(), state: committed, at: time)
            for side in [Side.buy, .sell] { _ = OrderBook.depth(market: market, side: side, levels: 50, state: committed) }
        }
        if choice & 8 == 0 {
            // The auctions view (GET /v1/auctions): each running auction's price, whether it is
            // stale and what its lot costs; which of the vaults that owe USDC could be auctioned.
            let settings = committed.auctionSettings()
            for auction in committed.allAuctions() {
                let elapsed = time - min(time, auction.curveStartMs)
                let price = CollateralAuction.price(top: auction.top, elapsedMs: elapsed, settings: settings)
                _ = CollateralAuction.isStale(top: auction.top, price: price, elapsedMs: elapsed, settings: settings)
                if let asset = committed.asset(auction.asset) { _ = try? CollateralAuction.cost(auction.lot, price: price, decimals: asset.decimals) }
            }
            for id in vaults {
                guard let vault = committed.vault(id), vault.quote < 0 else { continue }
                for entry in vault.collateral.entries {
                    _ = try? CollateralAuction.eligibility(vault: id, asset: entry.asset, state: committed, at: time)
                }
            }
        }
    }

    /// Reads every derived figure of a vault's risk, as the views do.
    static func touch(_ risk: VaultRisk) {
        _ = (risk.equity, risk.initial, risk.maintenance, risk.freeCollateral, risk.marginRatioPpm, risk.isLiquidatable,
             risk.standaloneInitial, risk.standaloneMaintenance, risk.collateralValue, risk.unsettledFunding)
        for p in risk.positions { _ = (p.entryPrice, p.unrealizedPnl, p.notional) }
    }
}
