import SolventCore
import SolventStore
import SolventWire

// Market, order and protocol-parameter replies (SolventWire) from the core's records: formatting
// only; what needs computing is in ReadModels/.

extension MarketParamsReply {
    init(_ p: PerpMarketParams) {
        var strike: String?, volatilityOracle: UInt32?
        if case .option(_, let k, _, let vol) = p.instrument {
            strike = OraclePrice.format(k)
            volatilityOracle = vol
        }
        self.init(
            id: p.id, symbol: p.symbol, oracleMarket: p.oracleMarket, tickSize: OraclePrice.format(p.tickSize),
            stepSize: PerpUnits.formatSize(Int64(clamping: p.stepSize)), minOrderSize: PerpUnits.formatSize(Int64(clamping: p.minOrderSize)),
            makerFeePpm: p.makerFeePpm, takerFeePpm: p.takerFeePpm,
            marginTiers: p.tiers.map { MarginTierReply(maxNotional: $0.maxNotional.map { Amount.format($0, decimals: 6) },
                                                       initialPpm: $0.initialPpm, maintenancePpm: $0.maintenancePpm) },
            fundingIntervalMs: p.fundingIntervalMs, fundingSampleIntervalMs: p.fundingSampleIntervalMs,
            fundingRateCapPpm: p.fundingRateCapPpm, impactNotional: Amount.format(p.impactNotional, decimals: 6), active: p.active,
            kind: p.instrument.kindName, expiryMs: p.instrument.expiryMs, expiry: p.instrument.expiryMs.map(UTCTime.format),
            strike: strike, volatilityOracle: volatilityOracle)
    }
}

extension OrderReply {
    init(_ o: Order, symbol: String) {
        self.init(orderId: o.id, owner: o.owner.text, vault: o.vault, market: symbol, side: o.side.name, price: OraclePrice.format(o.price),
                  size: PerpUnits.formatSize(Int64(clamping: o.size)), remaining: PerpUnits.formatSize(Int64(clamping: o.remaining)),
                  reduceOnly: o.reduceOnly, placedAtHeight: o.placedAtHeight)
    }
}

extension LiquidationConfigReply {
    /// The liquidation parameters with amounts in USDC (liquidation.md, "Parameters").
    init(_ s: LiquidationSettings) {
        func usdc(_ v: UInt128) -> String { Amount.format(v, decimals: 6) }
        self.init(feePpm: s.feePpm, maxFee: usdc(s.maxFee), keeperTip: usdc(s.keeperTip), keeperSharePpm: s.keeperSharePpm,
                  maxBounty: usdc(s.maxBounty), bufferPpm: s.bufferPpm, maxPositionNotionalPerBlock: usdc(s.maxPositionNotionalPerBlock),
                  maxVaultNotionalPerBlock: usdc(s.maxVaultNotionalPerBlock), backstopDiscountPpm: s.backstopDiscountPpm)
    }
}

extension AuctionConfigReply {
    init(_ s: AuctionSettings) {
        self.init(bufPpm: s.bufPpm, cutPpm: s.cutPpm, stepSeconds: s.stepSeconds, cuspPpm: s.cuspPpm, tailSeconds: s.tailSeconds,
                  tip: Amount.format(s.tip, decimals: 6), chipPpm: s.chipPpm, maxIncentive: Amount.format(s.maxIncentive, decimals: 6))
    }
}
