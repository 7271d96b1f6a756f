/// The portfolio-margin parameters (contracts-spec/portfolio-margin.md, "Parameters"): set in
/// genesis, stored in table `protocol` under "portfolio_settings". Rates are parts per million.
/// The state names a spread credit's underlyings by oracle market id; the genesis document
/// (`Genesis.PortfolioSpec`) names them by symbol and is otherwise the same parameters.
public typealias PortfolioSettings = PortfolioParameters<UInt32>

extension Genesis {
    /// portfolio-margin.md, "Parameters", in genesis units (oracle markets by symbol).
    public typealias PortfolioSpec = PortfolioParameters<String>
}

/// The portfolio-margin parameters with spread credits naming their underlyings by `Underlying`.
public struct PortfolioParameters<Underlying: Equatable & Sendable>: Equatable, Sendable {
    /// The widest price move of the scan, up and down (150 000: ±15%).
    public var priceRangePpm: UInt32
    /// How many evenly spaced moves each side of 0 (3: −15%, −10%, −5%, 0, +5%, +10%, +15%).
    public var priceSteps: UInt8
    /// Volatility moves up and down, relative (250 000: the volatility × 1.25 and × 0.75).
    public var volMovePpm: UInt32
    /// The extreme moves, up and down, at unchanged volatility (300 000: ±30%) ...
    public var extremeMovePpm: UInt32
    /// ... whose loss counts at this fraction (350 000: 35%, like SPAN's extreme scenarios).
    public var extremeCoverPpm: UInt32
    /// Contingency per short option: this fraction of the underlying's notional.
    public var shortOptionPpm: UInt32
    /// Contingency per unit of hedged delta (long delta offset by short delta on one
    /// underlying): this fraction of the hedged delta's notional.
    public var hedgedDeltaPpm: UInt32
    /// Maintenance requirement = this fraction of the initial requirement.
    public var maintenancePpm: UInt32
    /// Contingency per position, long or short: this fraction of its notional at its mark, so that
    /// maintenance covers what closing every leg costs a liquidation (liquidation.md, "Soundness").
    public var closeoutPpm: UInt32
    /// Credits between underlyings whose worst scenarios lie in opposite directions.
    public var credits: [SpreadCredit]

    public struct SpreadCredit: Equatable, Sendable {
        /// The two underlyings' oracle markets.
        public var first: Underlying
        public var second: Underlying
        /// The share of the offsetting loss credited back.
        public var creditPpm: UInt32

        public init(first: Underlying, second: Underlying, creditPpm: UInt32) {
            self.first = first
            self.second = second
            self.creditPpm = creditPpm
        }

        enum CodingKeys: String, CodingKey { case first, second, creditPpm = "credit_ppm" }
    }

    public init(priceRangePpm: UInt32, priceSteps: UInt8, volMovePpm: UInt32, extremeMovePpm: UInt32, extremeCoverPpm: UInt32,
                shortOptionPpm: UInt32, hedgedDeltaPpm: UInt32, maintenancePpm: UInt32, closeoutPpm: UInt32, credits: [SpreadCredit]) {
        self.priceRangePpm = priceRangePpm
        self.priceSteps = priceSteps
        self.volMovePpm = volMovePpm
        self.extremeMovePpm = extremeMovePpm
        self.extremeCoverPpm = extremeCoverPpm
        self.shortOptionPpm = shortOptionPpm
        self.hedgedDeltaPpm = hedgedDeltaPpm
        self.maintenancePpm = maintenancePpm
        self.closeoutPpm = closeoutPpm
        self.credits = credits
    }

    enum CodingKeys: String, CodingKey {
        case priceRangePpm = "price_range_ppm", priceSteps = "price_steps", volMovePpm = "vol_move_ppm"
        case extremeMovePpm = "extreme_move_ppm", extremeCoverPpm = "extreme_cover_ppm", shortOptionPpm = "short_option_ppm"
        case hedgedDeltaPpm = "hedged_delta_ppm", maintenancePpm = "maintenance_ppm", closeoutPpm = "closeout_ppm", credits
    }

    /// The same rates with spread credits that name their underlyings another way.
    public func withCredits<Other>(_ credits: [PortfolioParameters<Other>.SpreadCredit]) -> PortfolioParameters<Other> {
        PortfolioParameters<Other>(priceRangePpm: priceRangePpm, priceSteps: priceSteps, volMovePpm: volMovePpm,
                                   extremeMovePpm: extremeMovePpm, extremeCoverPpm: extremeCoverPpm, shortOptionPpm: shortOptionPpm,
                                   hedgedDeltaPpm: hedgedDeltaPpm, maintenancePpm: maintenancePpm, closeoutPpm: closeoutPpm,
                                   credits: credits)
    }

    public func validate() throws(ProtocolError) {
        func bad(_ m: String) -> ProtocolError { ProtocolError(.invalidField, "portfolio: \(m)") }
        guard priceRangePpm > 0, priceRangePpm < 1_000_000 else { throw bad("price_range_ppm is between 1 and 999999") }
        guard priceSteps >= 1, priceSteps <= 10 else { throw bad("price_steps is 1 to 10") }
        guard volMovePpm < 1_000_000 else { throw bad("vol_move_ppm is below 1000000") }
        guard extremeMovePpm < 1_000_000, extremeCoverPpm <= 1_000_000 else {
            throw bad("extreme_move_ppm is below 1000000 and extreme_cover_ppm at most 1000000")
        }
        guard shortOptionPpm <= 1_000_000, hedgedDeltaPpm <= 1_000_000 else { throw bad("contingencies are at most 1000000") }
        guard hedgedDeltaPpm > 0 else { throw bad("hedged_delta_ppm must be positive, so that a perfect hedge never needs zero margin") }
        guard maintenancePpm > 0, maintenancePpm <= 1_000_000 else { throw bad("maintenance_ppm is 1 to 1000000") }
        guard closeoutPpm <= 1_000_000 else { throw bad("closeout_ppm is at most 1000000") }
        guard credits.count <= 16 else { throw bad("at most 16 spread credits") }
        for c in credits {
            guard c.first != c.second, c.creditPpm <= 1_000_000 else {
                throw bad("a spread credit names two different underlyings and credits at most 1000000")
            }
        }
    }

    /// The scan's price moves in ppm, in scenario order: −range … 0 … +range in `priceSteps`
    /// even steps each side (each ⌊range × i / steps⌋).
    public var priceMoves: [Int64] {
        let n = Int64(priceSteps), r = Int64(priceRangePpm)
        return (-n...n).map { i in i < 0 ? -((r * -i) / n) : (r * i) / n }
    }
}

/// The genesis document's form (genesis.md, "Fields").
extension PortfolioParameters: Codable where Underlying == String {}

extension PortfolioParameters.SpreadCredit: Codable where Underlying == String {}

extension PortfolioParameters where Underlying == UInt32 {
    /// The devnet's values, also what a genesis without a "portfolio" section gets.
    public static var standard: PortfolioSettings {
        PortfolioSettings(priceRangePpm: 150_000, priceSteps: 3, volMovePpm: 250_000, extremeMovePpm: 300_000, extremeCoverPpm: 350_000,
                          shortOptionPpm: 10_000, hedgedDeltaPpm: 10_000, maintenancePpm: 600_000, closeoutPpm: 20_000, credits: [])
    }
}

// The state's form. A conditional conformance names each inherited protocol on its own.
extension PortfolioParameters: SingletonRecord where Underlying == UInt32 {
    /// Where the settings are kept (public: a cache of margin figures watches this key).
    /// (A generic type keeps no stored statics: the key is built once, below.)
    public static var stateKey: StateKey { portfolioSettingsKey }
}

extension PortfolioParameters: StoredRecord where Underlying == UInt32 {
    public static var recordName: String { "portfolio settings" }
    public static var recordVersion: UInt8 { 2 }
}

extension PortfolioParameters: RecordLayout where Underlying == UInt32 {
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(
            priceRangePpm: try c.u32(\.priceRangePpm, "price range"), priceSteps: try c.u8(\.priceSteps, "price steps"),
            volMovePpm: try c.u32(\.volMovePpm, "vol move"), extremeMovePpm: try c.u32(\.extremeMovePpm, "extreme move"),
            extremeCoverPpm: try c.u32(\.extremeCoverPpm, "extreme cover"), shortOptionPpm: try c.u32(\.shortOptionPpm, "short option"),
            hedgedDeltaPpm: try c.u32(\.hedgedDeltaPpm, "hedged delta"), maintenancePpm: try c.u32(\.maintenancePpm, "maintenance"),
            closeoutPpm: try c.u32(\.closeoutPpm, "closeout"),
            credits: try c.list(\.credits, "credits", width: .u8, minElementSize: 12))
    }
}

extension PortfolioParameters.SpreadCredit: RecordLayout where Underlying == UInt32 {
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(first: try c.u32(\.first, "first"), second: try c.u32(\.second, "second"), creditPpm: try c.u32(\.creditPpm, "credit"))
    }
}

extension StateReader {
    public func portfolioSettings() -> PortfolioSettings { singleton(PortfolioSettings.self) ?? .standard }
}

/// Where the portfolio settings are stored; read for every cached lookup of them.
private let portfolioSettingsKey = StateKey(.protocolAccounts, Array("portfolio_settings".utf8))
