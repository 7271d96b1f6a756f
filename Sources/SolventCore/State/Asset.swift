/// Assets are numbered in genesis; transactions carry the number, humans use the symbol.
public typealias AssetID = UInt32

public struct Asset: Equatable, Sendable {
    public let id: AssetID
    public let symbol: String
    /// Quantums per whole unit = 10^decimals.
    public let decimals: UInt8
    /// Non-USDC collateral counts at oracle price × (1 − haircut); nil: not accepted as collateral.
    public var haircutPpm: UInt32?
    /// The oracle market pricing this asset (set from the oracle market that names it).
    public var oracleMarket: UInt32?

    public init(id: AssetID, symbol: String, decimals: UInt8, haircutPpm: UInt32? = nil, oracleMarket: UInt32? = nil) {
        self.id = id
        self.symbol = symbol
        self.decimals = decimals
        self.haircutPpm = haircutPpm
        self.oracleMarket = oracleMarket
    }

    public var isQuote: Bool { symbol == "USDC" }

    public func format(_ quantums: UInt128) -> String { Amount.format(quantums, decimals: Int(decimals)) }
}

/// Balances per asset kept sorted by asset id with zero balances left out, so the encoding of a
/// set of balances is unique (contracts-spec/state.md).
public struct Balances: Equatable, Sendable {
    public private(set) var entries: [AssetBalance] = []

    public init() {}

    public init(sortedEntries: [AssetBalance]) { entries = sortedEntries }

    public subscript(asset: AssetID) -> UInt128 {
        get { entries.first { $0.asset == asset }?.amount ?? 0 }
        set {
            if let i = entries.firstIndex(where: { $0.asset == asset }) {
                if newValue == 0 { entries.remove(at: i) } else { entries[i].amount = newValue }
            } else if newValue != 0 {
                let at = entries.firstIndex { $0.asset > asset } ?? entries.count
                entries.insert(AssetBalance(asset: asset, amount: newValue), at: at)
            }
        }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// Adds with the protocol's ceiling; refuses instead of wrapping.
    public mutating func credit(_ asset: Asset, _ amount: UInt128, what: String) throws(ProtocolError) {
        let current = self[asset.id]
        let (sum, overflow) = current.addingReportingOverflow(amount)
        guard !overflow, sum <= Amount.max else {
            throw ProtocolError(.balanceOverflow,
                "\(what) holds \(asset.format(current)) \(asset.symbol); adding \(asset.format(amount)) would exceed the maximum amount")
        }
        self[asset.id] = sum
    }

    public mutating func debit(_ asset: Asset, _ amount: UInt128, what: String) throws(ProtocolError) {
        let current = self[asset.id]
        guard current >= amount else {
            throw ProtocolError(.insufficientBalance,
                "\(what) holds \(asset.format(current)) \(asset.symbol), \(asset.format(amount)) needed")
        }
        self[asset.id] = current - amount
    }
}

/// Balances layout (contracts-spec/state.md): count u16, then per asset in id order asset u32, amount u128.
extension Balances: RecordLayout {
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(sortedEntries: try c.list(\.entries, "balances", width: .u16, minElementSize: 20))
    }
}
