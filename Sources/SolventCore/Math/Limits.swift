/// The protocol's bounds on values (contracts-spec/limits.md). A transaction with a value past
/// its bound is refused with that value's own code; with every input inside its bound, the
/// money arithmetic stays far inside 128 bits (size × price ≤ 10^36 < 2^127 ≈ 1.7 × 10^38), and
/// whatever still does not fit is refused with `arithmetic_overflow` (Checked.swift).
public enum Limits {
    /// The largest order size and the largest |position|, in size units: 10^18 (10^10 whole
    /// units at 8 decimals). Twice it still fits a signed 64-bit size.
    public static let maxSize: UInt64 = 1_000_000_000_000_000_000

    /// The largest order price, oracle price, strike and tick, in price units: 10^18 (10^10
    /// dollars at 8 decimals).
    public static let maxPrice: UInt64 = 1_000_000_000_000_000_000

    /// The latest block time and expiry: 9999-12-31T23:59:59.999Z, in ms since 1970. Times and
    /// intervals then add up without overflow in 64 bits.
    public static let maxTimeMs: UInt64 = 253_402_300_799_999

    /// The longest funding interval: a year of 365 days, in ms.
    public static let maxFundingIntervalMs: UInt64 = 31_536_000_000

    /// The largest amount of an asset: 2^127 − 1 (`Amount.max`).
    public static let maxAmount: UInt128 = Amount.max

    static func positionTooLarge(market: UInt32) -> ProtocolError {
        ProtocolError(.positionTooLarge,
                      "the position in market \(market) would exceed the largest size, \(PerpUnits.formatSize(Int64(maxSize))) (contracts-spec/limits.md)")
    }
}
