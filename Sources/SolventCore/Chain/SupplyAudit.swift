/// The conservation invariant (contracts-spec/insurance-and-adl.md, "Conservation"), computed by
/// reading every account, vault, position and pool. Nothing creates or destroys value after
/// genesis, so at every block:
///
/// * per asset: wallets + vault holdings (for USDC: vault quotes, which may be negative) + pools
///   (for USDC: the fee pool, the insurance fund and every market's funding pool; for another
///   asset: the lots of its running collateral auctions) = the genesis supply;
/// * per market: longs = shorts = open interest, and the funding pool covers what positions are owed;
/// * the insurance fund's totals account for its balance.
///
/// An audit, O(state): for tests, the devnet scenario and `GET /v1/supply`, not for block execution.
public struct SupplyAudit: Sendable {
    public struct AssetLine: Sendable, Equatable {
        public let asset: AssetID
        public let symbol: String
        public let genesis: UInt128
        public let wallets: UInt128
        public let vaults: Int128
        public let pools: Int128
        /// Saturates at the ends of Int128 (no real supply comes near).
        public var total: Int128 { Int128(clamping: wallets).saturatingAdd(vaults).saturatingAdd(pools) }
        public var conserved: Bool { total == Int128(clamping: genesis) }
    }

    public struct MarketLine: Sendable, Equatable {
        public let market: UInt32
        public let symbol: String
        public let longs: UInt64
        public let shorts: UInt64
        public let openInterest: UInt64
        /// Funding pool × 10^16 + Σ size × (index − position index): never negative.
        public let fundingSurplus: Int128
        /// Position records, and entries for them in the `market_positions` index.
        public let positions: Int
        public let indexed: Int
        public var balanced: Bool { longs == shorts && longs == openInterest && fundingSurplus >= 0 && positions == indexed }
    }

    public let assets: [AssetLine]
    public let markets: [MarketLine]
    public let insurance: InsuranceStats
    public let insuranceFund: UInt128

    public var insuranceAccounted: Bool {
        let i = insurance
        let (inflow, o1) = i.seeded.addingReportingOverflow(i.tradingFeesIn)
        let (all, o2) = inflow.addingReportingOverflow(i.liquidationFeesIn)
        let (out, o3) = i.bountyTopUps.addingReportingOverflow(i.deficitsPaid)
        return !o1 && !o2 && !o3 && all >= out && all - out == insuranceFund
    }

    public var holds: Bool { assets.allSatisfy(\.conserved) && markets.allSatisfy(\.balanced) && insuranceAccounted }

    /// Totals per asset in `state`, for the genesis supply.
    public static func totals(_ state: some StateReader) -> [AssetID: Int128] {
        var totals = [AssetID: Int128]()
        for line in audit(state, genesis: [:]).assets { totals[line.asset] = line.total }
        return totals
    }

    public static func audit(_ state: some StateReader, genesis: [AssetID: Int128]) -> SupplyAudit {
        var wallets = [AssetID: UInt128](), vaults = [AssetID: Int128]()
        state.scan(.accounts, prefix: [], from: nil) { _, value in
            for e in decodeStored(value, "account", Account.decode).wallet.entries {
                let (sum, overflow) = wallets[e.asset, default: 0].addingReportingOverflow(e.amount)
                wallets[e.asset] = overflow ? UInt128.max : sum
            }
            return true
        }
        state.scan(.vaults, prefix: [], from: nil) { _, value in
            let v = decodeStored(value, "vault", Vault.decode)
            vaults[0, default: 0] = vaults[0, default: 0].saturatingAdd(v.quote)
            for e in v.collateral.entries { vaults[e.asset, default: 0] = vaults[e.asset, default: 0].saturatingAdd(Int128(clamping: e.amount)) }
            return true
        }
        let perps = state.perpMarkets()
        var usdcPools = Int128(clamping: state.feePool()).saturatingAdd(Int128(clamping: state.insuranceFund()))
        for m in perps { usdcPools = usdcPools.saturatingAdd(m.fundingPool) }
        // Collateral being auctioned has left its vault and not yet reached a buyer.
        var lots = [AssetID: Int128]()
        state.scan(.auctions, prefix: [], from: nil) { key, value in
            let a = decodeStored(value, "auction") { (b) throws(ProtocolError) in try Auction.decode(key: key, b) }
            lots[a.asset, default: 0] = lots[a.asset, default: 0].saturatingAdd(Int128(clamping: a.lot))
            return true
        }
        var assets = [AssetLine]()
        state.scan(.assets, prefix: [], from: nil) { key, value in
            let id = AssetID(BigEndianKey.readU32(key, at: 0))
            let asset = decodeStored(value, "asset") { (b) throws(ProtocolError) in try Asset.decode(id: id, b) }
            assets.append(AssetLine(asset: id, symbol: asset.symbol, genesis: UInt128(clamping: genesis[id] ?? 0), wallets: wallets[id] ?? 0,
                                    vaults: vaults[id] ?? 0, pools: id == 0 ? usdcPools : lots[id] ?? 0))
            return true
        }
        // Positions from the positions table itself; the market_positions index must list the same.
        var longs = [UInt32: UInt64](), shorts = [UInt32: UInt64](), owed = [UInt32: Int128](), counts = [UInt32: Int]()
        let index = Dictionary(uniqueKeysWithValues: perps.map { ($0.id, $0.fundingIndex) })
        state.scan(.positions, prefix: [], from: nil) { key, value in
            let market = BigEndianKey.readU32(key, at: 36)
            let p = decodeStored(value, "position", Position.decode)
            // Saturating: an audit of a state past 128 bits reports a failure, it does not trap.
            if p.size > 0 {
                longs[market, default: 0] = longs[market, default: 0].addingReportingOverflow(UInt64(p.size)).overflow ? .max : longs[market, default: 0] + UInt64(p.size)
            } else {
                shorts[market, default: 0] = shorts[market, default: 0].addingReportingOverflow(p.size.magnitude).overflow ? .max : shorts[market, default: 0] + p.size.magnitude
            }
            let delta = (index[market] ?? 0).subtractingReportingOverflow(p.fundingIndex)
            let (product, o) = Int128(p.size).multipliedReportingOverflow(by: delta.partialValue)
            owed[market, default: 0] = delta.overflow || o ? .min : owed[market, default: 0].saturatingAdd(product)
            counts[market, default: 0] += 1
            return true
        }
        var markets = [MarketLine]()
        for m in perps {
            let indexed = MarketPositions.vaults(market: m.id, long: true, state: state).count
                + MarketPositions.vaults(market: m.id, long: false, state: state).count
            markets.append(MarketLine(market: m.id, symbol: m.params.symbol, longs: longs[m.id] ?? 0, shorts: shorts[m.id] ?? 0,
                                      openInterest: m.openInterest,
                                      fundingSurplus: m.fundingPool.multipliedReportingOverflow(by: Funding.indexScale).overflow
                                          ? (m.fundingPool > 0 ? .max : .min) : (m.fundingPool * Funding.indexScale).saturatingAdd(owed[m.id] ?? 0),
                                      positions: counts[m.id] ?? 0, indexed: indexed))
        }
        return SupplyAudit(assets: assets, markets: markets, insurance: state.insuranceStats(), insuranceFund: state.insuranceFund())
    }
}

extension Int128 {
    /// self + other, held at the type's ends instead of overflowing: for audits and displays,
    /// never for balances.
    public func saturatingAdd(_ other: Int128) -> Int128 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
