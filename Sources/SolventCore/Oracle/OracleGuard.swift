/// What a price may be used for (contracts-spec/oracle.md, "Guards").
public enum OracleStatus: String, Sendable {
    /// Never priced.
    case none
    /// Updated within `stale_after_ms`, and the last update was not clamped.
    case fresh
    /// Updated within `stale_after_ms`, but the last update moved less than the median did.
    case clamped
    /// Older than `stale_after_ms`: not usable for anything that adds risk, nor for liquidations.
    case stale
}

public enum OracleGuard {
    public static func status(of market: OracleMarket, settings: OracleSettings, at timeMs: UInt64) -> OracleStatus {
        guard market.hasPrice else { return .none }
        let age = timeMs >= market.updatedAtMs ? timeMs - market.updatedAtMs : 0
        if age > settings.staleAfterMs { return .stale }
        return market.clamped ? .clamped : .fresh
    }

    /// The price an action that adds risk (a new position, a withdrawal from an exposed vault, a
    /// liquidation) may use: refused with `oracle_no_price` or `oracle_stale` otherwise.
    /// Risk-reducing actions do not call this and stay allowed while the price is stale.
    public static func priceForRiskIncrease(market id: UInt32, state: some StateReader, at timeMs: UInt64) throws(ProtocolError) -> UInt64 {
        guard let market = state.oracleMarket(id), let config = state.oracleConfig() else {
            throw ProtocolError(.unknownOracleMarket, "oracle market \(id) does not exist")
        }
        switch status(of: market, settings: config.settings, at: timeMs) {
        case .none:
            throw ProtocolError(.oracleNoPrice, "\(market.symbol) has no oracle price yet")
        case .stale:
            throw ProtocolError(.oracleStale,
                "\(market.symbol)'s price is \(timeMs - market.updatedAtMs) ms old, over the \(config.settings.staleAfterMs) ms limit; only risk-reducing actions are allowed")
        case .fresh, .clamped:
            return market.price
        }
    }
}
