import SolventWire

/// Where a market is in its life, as `solvent query markets` shows it (instruments.md,
/// "Settlement"): trading, past its expiry and waiting for the block that settles it, settled,
/// or switched off by the admin.
public enum MarketStatus: String, Sendable {
    case live, expiring, settled, inactive

    public init(_ market: MarketReply, chainTimeMs: UInt64) {
        if market.settledAt != nil {
            self = .settled
        } else if let expiry = market.params.expiryMs, chainTimeMs >= expiry {
            self = .expiring
        } else if !market.params.active {
            self = .inactive
        } else {
            self = .live
        }
    }
}

extension MarketReply {
    public var isPerpetual: Bool { params.kind == "perpetual" }
    public var isOption: Bool { ["option", "call", "put"].contains(params.kind) }

    /// What one unit is marked at: an option's model price, a settled market's settlement price,
    /// else the underlying's oracle price (instruments.md, "The three instruments").
    public var mark: String? {
        if let settlementPrice { return settlementPrice }
        return isOption ? markPrice : oraclePrice
    }
}
