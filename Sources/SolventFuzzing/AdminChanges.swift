import SolventCore
import SolventCrypto

extension FuzzChain {
    /// The admin changing a market, the liquidation settings or the oracle settings, one field
    /// set to an interesting value or near the limit a rule sets it.
    mutating func adminChange(_ input: inout FuzzInput) throws(TransactionFuzzer.Violation) {
        let choice = input.u8() % 8
        if choice == 3 { return try openInterestCaps(&input) }
        if choice == 4 { return try depthAddOn(&input) }
        if choice == 5 { return try haircutRule(&input) }
        if choice == 7 {
            // A volatility surface (vol-surface.md): BTC-IV's dated feeds, in any order, repeated,
            // a price feed among them, or none.
            let points = (0..<Int(input.u8() % 4)).map { _ in input.near([UInt32(6), 7, 4, 1]) }
            return try submit(adminIndex, .oracleSetSurface(base: input.near([UInt32(4), 5, 1]), points: points))
        }
        if choice == 6 {
            // A yield asset's rate (yield-assets.md): the largest rate, a write-down up to all but
            // a millionth, or an asset that does not accrue.
            return try submit(adminIndex, .assetSetYield(asset: input.near([AssetID(3), 1]), aprPpm: input.near([UInt32(0), YieldAssets.maxAprPpm]),
                                                         writedownPpm: input.near([UInt32(0), 300_000, 999_999])))
        }
        switch choice {
        case 0:
            guard var p = check.perpMarket(market(&input))?.params else { return }
            let field = input.u8() % 14
            switch field {
            case 0: p.tickSize = input.interesting(UInt64.self)
            case 1: p.stepSize = input.interesting(UInt64.self)
            case 2: p.minOrderSize = input.interesting(UInt64.self)
            case 3: p.makerFeePpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self))
            case 4: p.takerFeePpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self))
            case 5: if !p.tiers.isEmpty { p.tiers[0].maxNotional = input.interesting(UInt128.self, unit: 1_000_000) }
            case 6: if !p.tiers.isEmpty { p.tiers[p.tiers.count - 1].initialPpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self)) }
            case 7:
                // The last tier at any rate, or the first near the liquidation fee plus the backstop
                // discount, which it must stay above (liquidation.md, "Soundness").
                guard !p.tiers.isEmpty else { break }
                if input.bool() {
                    let s = check.liquidationSettings()
                    p.tiers[0].maintenancePpm = input.near([s.feePpm &+ s.backstopDiscountPpm])
                } else {
                    p.tiers[p.tiers.count - 1].maintenancePpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self))
                }
            case 8: p.fundingIntervalMs = input.interesting(UInt64.self)
            case 9: p.fundingSampleIntervalMs = input.interesting(UInt64.self)
            case 10: p.fundingRateCapPpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self))
            case 11: p.impactNotional = input.interesting(UInt128.self, unit: 1_000_000)
            case 12: p.active.toggle()
            default:
                if case .option(let expiry, _, let call, let vol) = p.instrument {
                    p.instrument = .option(expiryMs: expiry, strike: input.interesting(UInt64.self, unit: 100_000_000), isCall: call, volOracle: vol)
                } else if case .future = p.instrument {
                    p.instrument = .future(expiryMs: timeMs &+ blockGap(&input))
                }
            }
            if input.bool() {
                p.id = UInt32(input.u8()) + 100
                p.symbol = "FZ-\(p.id)"
                if case .option(_, let strike, let call, let vol) = p.instrument {
                    p.instrument = .option(expiryMs: timeMs &+ blockGap(&input), strike: strike, isCall: call, volOracle: vol)
                }
                try submit(adminIndex, .marketList(p))
            } else {
                try submit(adminIndex, .marketUpdate(p))
            }
        case 1:
            var s = check.liquidationSettings()
            // Fee + discount must stay below every market's lowest maintenance rate and the
            // portfolio closeout's (liquidation.md, "Soundness"): the rates that put the sum there.
            let portfolio = check.portfolioSettings()
            let limits = check.perpMarkets().compactMap { $0.params.tiers.first?.maintenancePpm }
                + [UInt32(UInt64(portfolio.maintenancePpm) * UInt64(portfolio.closeoutPpm) / 1_000_000)]
            switch input.u8() % 9 {
            case 0: s.feePpm = input.near(limits.map { $0 &- s.backstopDiscountPpm })
            case 1: s.maxFee = input.interesting(UInt128.self, unit: 1_000_000)
            case 2: s.keeperTip = input.interesting(UInt128.self, unit: 1_000_000)
            case 3: s.keeperSharePpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self))
            case 4: s.maxBounty = input.interesting(UInt128.self, unit: 1_000_000)
            case 5: s.bufferPpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self))
            case 6: s.maxPositionNotionalPerBlock = input.interesting(UInt128.self, unit: 1_000_000)
            case 7: s.maxVaultNotionalPerBlock = input.interesting(UInt128.self, unit: 1_000_000)
            default: s.backstopDiscountPpm = input.near(limits.map { $0 &- s.feePpm })
            }
            try submit(adminIndex, .liquidationSetConfig(s))
        default:
            guard var s = check.oracleConfig()?.settings else { return }
            switch input.u8() % 6 {
            case 0: s.quorum = input.u8()
            case 1: s.maxReportAgeMs = input.interesting(UInt64.self)
            case 2: s.maxFutureSkewMs = input.interesting(UInt64.self)
            case 3: s.minUpdateIntervalMs = input.interesting(UInt64.self)
            case 4: s.maxMovePpm = UInt32(truncatingIfNeeded: input.interesting(UInt64.self))
            default: s.staleAfterMs = input.interesting(UInt64.self)
            }
            try submit(adminIndex, .oracleSetSettings(s))
        }
    }
}

extension FuzzChain {
    /// The admin setting a market's open-interest caps (margin.md, "Open-interest scaling"): at
    /// or near the market's open notional (so that the next orders fall between, at or past the
    /// caps), at the bound, past it, reversed, or removed.
    mutating func openInterestCaps(_ input: inout FuzzInput) throws(TransactionFuzzer.Violation) {
        let id = market(&input)
        // An unknown market, or one whose oracle has no price yet, is sent too (to be refused or set).
        let m = check.perpMarket(id), price = m.flatMap { check.oracleMarket($0.params.oracleMarket)?.price } ?? 0
        let open = OpenInterestCaps.openNotional(openInterest: m?.openInterest ?? 0, price: price)
        let near = [open, open / 2, open &+ 1, open &* 2, OpenInterestCaps.maxCap, OpenInterestCaps.maxCap &+ 1, 0]
        var lower = input.near(near), upper = input.near(near)
        if input.bool() { (lower, upper) = (min(lower, upper), max(lower, upper)) }
        try submit(adminIndex, .marketSetOiCaps(market: id, lower: lower, upper: upper))
    }
}

extension FuzzChain {
    /// The admin setting a market's book-depth add-on: each field at or near its bounds (a band
    /// that reaches every order or none, the shortest and longest windows, the largest rate).
    mutating func depthAddOn(_ input: inout FuzzInput) throws(TransactionFuzzer.Violation) {
        let id = market(&input)
        let band = input.near([1, DepthAddOns.maxBandPpm, 10_000])
        let window = input.near([1_000, DepthAddOns.maxWindowMs, 60_000])
        let addon = input.near([UInt32(0), 1_000_000, 100_000])
        try submit(adminIndex, .marketSetDepthAddon(market: id, bandPpm: band, windowMs: window, addonPpm: addon))
    }
}

extension FuzzChain {
    /// The admin setting a collateral asset's dynamic haircut rule (haircuts.md): an implied or
    /// realized source (or a price feed, refused), each rate at or near its bounds, a cap at the
    /// floor or the largest, and removal; the begin-block update then runs on whatever prices
    /// the fuzzer sets, with the largest steps and fastest rates.
    mutating func haircutRule(_ input: inout FuzzInput) throws(TransactionFuzzer.Violation) {
        let asset = input.near([AssetID(1), 2, 0, 9])
        let vol = input.near([UInt32(0), 4, 5, 1])
        let window = vol == 0 ? input.near([1_000, DynamicHaircuts.maxWindowMs, 60_000]) : input.near([UInt64(0), 1_000])
        let floor = check.asset(asset)?.haircutPpm ?? 0
        try submit(adminIndex, .assetSetHaircutRule(.init(
            asset: asset, volMarket: vol, windowMs: window, scalePpm: input.near([UInt32(0), 1, DynamicHaircuts.maxScalePpm, 200_000]),
            capPpm: input.near([floor, DynamicHaircuts.maxCapPpm, 500_000]), ratePpmPerHour: input.near([UInt32(1), 1_000_000, 360_000]),
            stepPpm: input.near([UInt32(1), DynamicHaircuts.maxStepPpm, 5_000]))))
    }
}
