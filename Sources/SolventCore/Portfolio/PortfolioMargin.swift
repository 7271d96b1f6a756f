/// Scenario-based portfolio margin (contracts-spec/portfolio-margin.md).
///
/// Per underlying (an oracle market), every position on it is revalued under a grid of price
/// moves × volatility up / unchanged / down, plus two extreme moves counted at a fraction; the
/// scan loss is the worst loss, never below 0. Across underlyings, pairs listed in the settings
/// get a spread credit when their worst scenarios lie in opposite directions. Then
///
///     initial     = Σ scan losses − credits + short-option, hedged-delta and closeout contingencies
///     maintenance = ⌈initial × maintenance_ppm / 10^6⌉
///
/// Everything is integer: values in USDC quantums, option prices as Black-Scholes wads
/// (BlackScholes.swift). Every rounding goes against the vault (losses and charges up, credits down).
public enum PortfolioMargin {
    /// One position as the scan sees it.
    public struct Position: Sendable, Equatable {
        public var market: UInt32
        public var symbol: String
        public var size: Int64
        public var instrument: Instrument
        /// The underlying's oracle market and price (price units).
        public var underlying: UInt32
        public var spot: UInt64
        /// Options only: the volatility (10^-8), time to expiry (ms) and current model price (wad).
        public var vol: UInt64
        public var timeToExpiryMs: UInt64
        public var markWad: Int128

        public init(market: UInt32, symbol: String, size: Int64, instrument: Instrument, underlying: UInt32, spot: UInt64,
                    vol: UInt64 = 0, timeToExpiryMs: UInt64 = 0, markWad: Int128 = 0) {
            self.market = market
            self.symbol = symbol
            self.size = size
            self.instrument = instrument
            self.underlying = underlying
            self.spot = spot
            self.vol = vol
            self.timeToExpiryMs = timeToExpiryMs
            self.markWad = markWad
        }
    }

    public struct Scenario: Sendable, Equatable {
        public let priceMovePpm: Int64
        /// The volatility move of every option, or, in a term-structure scenario, of the options
        /// of the nearest expiry (`backVolMovePpm` for the later ones).
        public let volMovePpm: Int64
        /// 1 000 000 for the grid, `extreme_cover_ppm` for the two extreme moves.
        public let coverPpm: UInt32
        /// The portfolio's profit (negative: loss) on this underlying in this scenario, after the
        /// cover fraction, USDC quantums.
        public let pnl: Int128
        /// A term-structure scenario's volatility move for the options of later expiries (nil: the
        /// whole surface moves by `volMovePpm`).
        public var backVolMovePpm: Int64? = nil
    }

    public struct UnderlyingScan: Sendable, Equatable {
        public let oracleMarket: UInt32
        public let spot: UInt64
        public let scenarios: [Scenario]
        /// Index of the worst scenario (the first of the largest losses); nil when none loses.
        public let worst: Int?
        /// max(0, −min pnl).
        public let scanLoss: UInt128
        /// Sign of the worst scenario's price move (0 when nothing loses or it is the 0 move).
        public let direction: Int
        /// Σ positive and Σ negative position deltas, in size units (10^-8 of the underlying).
        public let longDelta: Int128
        public let shortDelta: Int128
        public let hedgedDeltaCharge: UInt128
        public let shortOptionCharge: UInt128
        /// Σ closeout_ppm × each position's notional at its mark (portfolio-margin.md, "Contingencies").
        public let closeoutCharge: UInt128
    }

    public struct Credit: Sendable, Equatable {
        public let first: UInt32
        public let second: UInt32
        /// The loss the pair offsets (min of what is left of the two scan losses) and the credit.
        public let offsetLoss: UInt128
        public let credit: UInt128
    }

    public struct Result: Sendable, Equatable {
        public let underlyings: [UnderlyingScan]
        public let credits: [Credit]
        public let scanLoss: UInt128
        public let creditTotal: UInt128
        public let contingency: UInt128
        public let initial: UInt128
        public let maintenance: UInt128
    }

    /// Why a portfolio cannot be evaluated: an option could not be priced (inputs out of range).
    static func unpriceable(_ symbol: String) -> ProtocolError {
        ProtocolError(.invalidMarket, "\(symbol) cannot be priced with the current inputs")
    }

    static let wadPerQuantum: Int128 = 100_000_000_000_000_000_000   // size units × wad / 10^20 = quantums

    /// Evaluates the portfolio. Positions of size 0 are ignored; underlyings come out in oracle
    /// market order and so do the scenario tables, whatever order the positions come in.
    public static func evaluate(_ positions: [Position], settings: PortfolioSettings) throws(ProtocolError) -> Result {
        let open = positions.filter { $0.size != 0 }
        let oracles = Array(Set(open.map(\.underlying))).sorted()
        var scans = [UnderlyingScan]()
        for oracle in oracles {
            scans.append(try scan(open.filter { $0.underlying == oracle }.sorted { $0.market < $1.market }, oracle: oracle, settings: settings))
        }
        // Spread credits, in the settings' order, each consuming what it offsets.
        var left = Dictionary(uniqueKeysWithValues: scans.map { ($0.oracleMarket, $0.scanLoss) })
        let direction = Dictionary(uniqueKeysWithValues: scans.map { ($0.oracleMarket, $0.direction) })
        var credits = [Credit]()
        for c in settings.credits {
            guard let a = left[c.first], let b = left[c.second], let da = direction[c.first], let db = direction[c.second],
                  da != 0, da == -db else { continue }
            let m = min(a, b)
            guard m > 0 else { continue }
            left[c.first] = a - m
            left[c.second] = b - m
            guard let credit = FixedPoint.mulDiv(m, UInt128(c.creditPpm), 1_000_000, .down) else { throw .overflow }
            credits.append(Credit(first: c.first, second: c.second, offsetLoss: m, credit: credit))
        }
        let scanLoss = try scans.checkedSum(\.scanLoss)
        let creditTotal = try credits.checkedSum(\.credit)
        let contingency = try scans.checkedSum { (s) throws(ProtocolError) in
            try s.hedgedDeltaCharge.adding(s.shortOptionCharge).adding(s.closeoutCharge)
        }
        // Each credit is at most the scan loss it offsets: the difference is never negative.
        let initial = try (scanLoss - min(creditTotal, scanLoss)).adding(contingency)
        let maintenance = FixedPoint.mulDiv(initial, UInt128(settings.maintenancePpm), 1_000_000, .up) ?? initial
        return Result(underlyings: scans, credits: credits, scanLoss: scanLoss, creditTotal: creditTotal, contingency: contingency,
                      initial: initial, maintenance: maintenance)
    }

    /// The scenario table of one underlying.
    static func scan(_ positions: [Position], oracle: UInt32, settings: PortfolioSettings) throws(ProtocolError) -> UnderlyingScan {
        let spot = positions[0].spot
        let volMoves: [Int64] = [Int64(settings.volMovePpm), 0, -Int64(settings.volMovePpm)]
        var scenarios = [Scenario]()
        var pricer = BlackScholes.Pricer()
        for move in settings.priceMoves {
            let s = moved(spot, move)
            let linear = try linearPnl(positions, to: s)
            for v in volMoves {
                scenarios.append(Scenario(priceMovePpm: move, volMovePpm: v, coverPpm: 1_000_000,
                                          pnl: try linear.adding(try optionPnl(positions, to: s, volMovePpm: v, pricer: &pricer))))
            }
        }
        for move in [-Int64(settings.extremeMovePpm), Int64(settings.extremeMovePpm)] {
            let s = moved(spot, move)
            let pnl = try linearPnl(positions, to: s).adding(try optionPnl(positions, to: s, volMovePpm: 0, pricer: &pricer))
            let counted = FixedPoint.mulDiv(pnl, Int128(settings.extremeCoverPpm), 1_000_000, .down) ?? pnl
            scenarios.append(Scenario(priceMovePpm: move, volMovePpm: 0, coverPpm: settings.extremeCoverPpm, pnl: counted))
        }
        // Term structure (portfolio-margin.md, "The grid"): with options of two or more expiries,
        // the nearest expiry's volatility against the later ones', both ways, at the unchanged price.
        let expiries = Set(positions.filter(\.instrument.isOption).map(\.timeToExpiryMs))
        if expiries.count >= 2, let front = expiries.min() {
            for v in [Int64(settings.volMovePpm), -Int64(settings.volMovePpm)] {
                let pnl = try optionPnl(positions, to: spot, volMove: { $0.timeToExpiryMs == front ? v : -v }, pricer: &pricer)
                scenarios.append(Scenario(priceMovePpm: 0, volMovePpm: v, coverPpm: 1_000_000, pnl: pnl, backVolMovePpm: -v))
            }
        }
        var worst: Int?
        for (i, sc) in scenarios.enumerated() where sc.pnl < 0 {
            if worst == nil || sc.pnl < scenarios[worst!].pnl { worst = i }
        }
        let loss = worst.map { UInt128(scenarios[$0].pnl.magnitude) } ?? 0
        let direction = worst.map { Int(scenarios[$0].priceMovePpm.signum()) } ?? 0

        // Contingencies.
        var longDelta: Int128 = 0, shortDelta: Int128 = 0, shortOption: UInt128 = 0, closeout: UInt128 = 0
        for p in positions {
            closeout = try closeout.adding(try closeoutCharge(p, ppm: settings.closeoutPpm))
            let d = try delta(of: p)
            if d > 0 { longDelta = try longDelta.adding(d) } else { shortDelta = try shortDelta.subtracting(d) }
            if p.instrument.isOption, p.size < 0 {
                guard let charge = FixedPoint.mulDiv(UInt128(p.size.magnitude), UInt128(p.spot) * UInt128(settings.shortOptionPpm),
                                                     PerpUnits.notionalDivisor * 1_000_000, .up) else { throw .overflow }
                shortOption = try shortOption.adding(charge)
            }
        }
        let hedged = UInt128(min(longDelta, shortDelta))
        guard let hedgedCharge = FixedPoint.mulDiv(hedged, UInt128(spot) * UInt128(settings.hedgedDeltaPpm), PerpUnits.notionalDivisor * 1_000_000, .up) else {
            throw .overflow
        }
        return UnderlyingScan(oracleMarket: oracle, spot: spot, scenarios: scenarios, worst: worst, scanLoss: loss, direction: direction,
                              longDelta: longDelta, shortDelta: shortDelta, hedgedDeltaCharge: hedgedCharge, shortOptionCharge: shortOption,
                              closeoutCharge: closeout)
    }

    /// What closing the position costs a liquidation, charged up front: ⌈|size| × S × ppm / 10^16⌉
    /// for a perpetual or future, ⌈|size| × mark_wad × ppm / 10^26⌉ for an option (its own price,
    /// which is what a liquidation's fee and discount are taken on).
    static func closeoutCharge(_ p: Position, ppm: UInt32) throws(ProtocolError) -> UInt128 {
        let size = UInt128(p.size.magnitude)
        if p.instrument.isOption {
            // A mark is never negative; 10^26 = 10^20 (size units × wad → quantums) × 10^6.
            guard let perUnit = UInt128(exactly: max(p.markWad, 0)),
                  let charge = FixedPoint.mulDiv(size * UInt128(ppm), perUnit, wadPerQuantum.magnitude * 1_000_000, .up) else { throw .overflow }
            return charge
        }
        guard let charge = FixedPoint.mulDiv(size, UInt128(p.spot) * UInt128(ppm), PerpUnits.notionalDivisor * 1_000_000, .up) else {
            throw .overflow
        }
        return charge
    }

    /// ⌊price × (10^6 + move) / 10^6⌋, at least 1.
    public static func moved(_ price: UInt64, _ movePpm: Int64) -> UInt64 {
        let v = UInt128(price) * UInt128(1_000_000 + movePpm) / 1_000_000
        return UInt64(clamping: max(v, 1))
    }

    /// Perpetuals and futures: size × (s − spot) / 10^10, each rounded down (a loss rounds up).
    static func linearPnl(_ positions: [Position], to s: UInt64) throws(ProtocolError) -> Int128 {
        var sum: Int128 = 0
        for p in positions where !p.instrument.isOption {
            guard let pnl = FixedPoint.mulDiv(Int128(p.size), Int128(s) - Int128(p.spot), Int128(PerpUnits.notionalDivisor), .down) else {
                throw .overflow
            }
            sum = try sum.adding(pnl)
        }
        return sum
    }

    /// Options repriced at underlying `s` and volatility × (1 + move): size × (new − mark) / 10^20.
    static func optionPnl(_ positions: [Position], to s: UInt64, volMovePpm: Int64,
                          pricer: inout BlackScholes.Pricer) throws(ProtocolError) -> Int128 {
        try optionPnl(positions, to: s, volMove: { _ in volMovePpm }, pricer: &pricer)
    }

    /// The same with each option's own volatility move.
    static func optionPnl(_ positions: [Position], to s: UInt64, volMove: (Position) -> Int64,
                          pricer: inout BlackScholes.Pricer) throws(ProtocolError) -> Int128 {
        pricer.nextScenario(spot: s)
        var sum: Int128 = 0
        for p in positions {
            guard case .option(_, let strike, let call, _) = p.instrument else { continue }
            let vol = UInt64(clamping: UInt128(p.vol) * UInt128(1_000_000 + volMove(p)) / 1_000_000)
            let price = pricer.price(spot: s, strike: strike, vol: vol, timeMs: p.timeToExpiryMs, isCall: call)
            guard let pnl = FixedPoint.mulDiv(Int128(p.size), try price.subtracting(p.markWad), wadPerQuantum, .down) else {
                throw unpriceable(p.symbol)
            }
            sum = try sum.adding(pnl)
        }
        return sum
    }

    /// A position's delta in size units: its size for a perpetual or future, size × Δ for an
    /// option (rounded toward zero).
    public static func delta(of p: Position) throws(ProtocolError) -> Int128 {
        guard case .option(_, let strike, let call, _) = p.instrument else { return Int128(p.size) }
        guard let g = BlackScholes.evaluate(spot: p.spot, strike: strike, vol: p.vol, timeMs: p.timeToExpiryMs, isCall: call) else {
            throw unpriceable(p.symbol)
        }
        let magnitude = FixedPoint.mulDiv(UInt128(p.size.magnitude), g.delta.magnitude, UInt128(FixedMath.one), .down) ?? 0
        return (p.size < 0) != (g.delta < 0) ? -Int128(magnitude) : Int128(magnitude)
    }
}
