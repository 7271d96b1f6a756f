/// Oracle prices are unsigned integers: US dollars per one whole unit of the base asset, with 8
/// decimal places (1 BTC at $60,000.5 is 6_000_050_000_000). USDC is worth exactly 1 by definition.
public enum OraclePrice {
    public static let decimals = 8
    public static let one: UInt64 = 100_000_000

    public static func format(_ price: UInt64) -> String { Amount.format(UInt128(price), decimals: decimals) }

    /// Parses a decimal price ("60000", "0.25"); refuses zero, more than 8 decimals, or over 2^64 - 1.
    public static func parse(_ text: String) -> UInt64? {
        guard let v = try? Amount.parse(text, decimals: decimals), v > 0, v <= UInt128(UInt64.max) else { return nil }
        return UInt64(v)
    }
}
