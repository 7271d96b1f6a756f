/// What a market trades (contracts-spec/options.md, "Option markets", and markets.md): a
/// perpetual, a dated future cash-settled at its underlying's oracle price at expiry, or a
/// European cash-settled option on that price. All three share the order book, the vaults, the
/// fills and the fee rules; they differ in how a position is marked, what it requires and
/// whether it pays funding or settles.
public enum Instrument: Equatable, Sendable {
    case perpetual
    /// Settles in the first block whose time is at or after `expiryMs`.
    case future(expiryMs: UInt64)
    /// Pays max(S − strike, 0) (call) or max(strike − S, 0) (put) per unit of the underlying at
    /// expiry; marked before then by Black-Scholes on the underlying's price and the volatility
    /// feed `volOracle` (an oracle market whose "price" is an annualized volatility, 8 decimals).
    case option(expiryMs: UInt64, strike: UInt64, isCall: Bool, volOracle: UInt32)

    public var expiryMs: UInt64? {
        switch self {
        case .perpetual: return nil
        case .future(let e): return e
        case .option(let e, _, _, _): return e
        }
    }

    public var isPerpetual: Bool { self == .perpetual }
    public var isOption: Bool { if case .option = self { return true } else { return false } }

    public var kindName: String {
        switch self {
        case .perpetual: return "perpetual"
        case .future: return "future"
        case .option(_, _, let call, _): return call ? "call" : "put"
        }
    }

    /// What one unit of the underlying pays at settlement price `s` (price units): `s` for a
    /// future, the intrinsic value for an option.
    public func settlementValue(underlying s: UInt64) -> UInt64 {
        switch self {
        case .perpetual, .future: return s
        case .option(_, let k, let call, _): return call ? (s > k ? s - k : 0) : (k > s ? k - s : 0)
        }
    }
}

/// Stored after the market's other parameters: kind u8 (0 perpetual, 1 future, 2 option), then
/// expiry u64 for a future; expiry u64, strike u64, call u8 (1 call, 0 put), volatility oracle
/// market u32 for an option.
extension Instrument: RecordLayout {
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        switch try c.u8(\.kindTag, "instrument kind") {
        case 0: self = .perpetual
        case 1: self = .future(expiryMs: try c.u64({ $0.expiryMs ?? 0 }, "expiry"))
        case 2:
            self = .option(expiryMs: try c.u64({ $0.expiryMs ?? 0 }, "expiry"), strike: try c.u64({ $0.option?.strike ?? 0 }, "strike"),
                           isCall: try c.bool({ $0.option?.isCall ?? false }, "call"),
                           volOracle: try c.u32({ $0.option?.volOracle ?? 0 }, "volatility oracle market"))
        default: throw ProtocolError(.invalidField, "instrument kind must be 0 (perpetual), 1 (future) or 2 (option)")
        }
    }

    private var kindTag: UInt8 {
        switch self {
        case .perpetual: return 0
        case .future: return 1
        case .option: return 2
        }
    }

    private var option: (strike: UInt64, isCall: Bool, volOracle: UInt32)? {
        if case .option(_, let strike, let isCall, let volOracle) = self { return (strike, isCall, volOracle) }
        return nil
    }
}
