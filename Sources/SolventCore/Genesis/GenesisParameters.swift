// The parameter sections of the genesis document turned into protocol units and checked by the
// rules of their own mechanism (contracts-spec/genesis.md, "Fields", and "Validation", stage 2).

/// collateral-auctions.md, "Parameters".
extension Genesis.AuctionSpec {
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

/// portfolio-margin.md, "Parameters".
extension PortfolioParameters where Underlying == String {
    func settings(oracleMarkets: [String: UInt32]) throws(GenesisError) -> PortfolioSettings {
        var credits = [PortfolioSettings.SpreadCredit]()
        for c in self.credits {
            guard let a = oracleMarkets[c.first], let b = oracleMarkets[c.second] else {
                throw GenesisError("portfolio: spread credit \(c.first)/\(c.second) names an unknown oracle market")
            }
            credits.append(.init(first: a, second: b, creditPpm: c.creditPpm))
        }
        let s = withCredits(credits)
        do { try s.validate() } catch { throw GenesisError(error.message) }
        return s
    }
}

/// liquidation.md, "Parameters".
extension Genesis.LiquidationSpec {
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

/// markets.md, "Parameters" and "Listing rules"; instruments.md for futures and options.
extension Genesis.PerpMarketSpec {
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

/// margin.md, "Open-interest scaling": a market's caps, if its entry sets them.
extension Genesis.PerpMarketSpec {
    func openInterestCaps(_ params: PerpMarketParams) throws(GenesisError) -> OpenInterestCaps.Entry? {
        guard oiLowerCap != nil || oiUpperCap != nil else { return nil }
        guard let lowerText = oiLowerCap, let upperText = oiUpperCap,
              let lower = try? Amount.parse(lowerText, decimals: 6), let upper = try? Amount.parse(upperText, decimals: 6), upper > 0 else {
            throw GenesisError("market \(symbol): oi_lower_cap and oi_upper_cap go together, as USDC amounts, the upper one above 0")
        }
        guard !params.instrument.isOption else {
            throw GenesisError("market \(symbol): open-interest caps apply to perpetuals and futures, not options")
        }
        do { try OpenInterestCaps.validate(lower: lower, upper: upper) } catch { throw GenesisError("market \(symbol): \(error.message)") }
        return OpenInterestCaps.Entry(market: params.id, lower: lower, upper: upper)
    }
}
