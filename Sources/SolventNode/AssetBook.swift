import SolventCore

/// What the node shows by symbol and looks up by id: an asset or an oracle market.
protocol SymbolListing: Sendable {
    var id: UInt32 { get }
    var symbol: String { get }
    /// How an id with no listing is shown, before its number: "asset7", "market7".
    static var unlistedPrefix: String { get }
}

extension Asset: SymbolListing { static var unlistedPrefix: String { "asset" } }
extension OracleMarket: SymbolListing { static var unlistedPrefix: String { "market" } }

/// The chain's assets or oracle markets by id and by symbol, as the node read them at start.
struct SymbolBook<Listing: SymbolListing>: Sendable {
    let byID: [UInt32: Listing]
    let bySymbol: [String: Listing]
    /// In id order, for listings.
    let all: [Listing]

    init(_ listings: [Listing]) {
        all = listings.sorted { $0.id < $1.id }
        byID = Dictionary(uniqueKeysWithValues: listings.map { ($0.id, $0) })
        bySymbol = Dictionary(uniqueKeysWithValues: listings.map { ($0.symbol, $0) })
    }

    func symbol(_ id: UInt32) -> String { byID[id]?.symbol ?? Listing.unlistedPrefix + String(id) }
}

/// The chain's assets, for turning quantums into decimal text and back.
typealias AssetBook = SymbolBook<Asset>

/// Oracle market symbols by id, for showing transactions.
typealias OracleMarketBook = SymbolBook<OracleMarket>

extension SymbolBook where Listing == Asset {
    func format(_ amount: UInt128, _ id: AssetID) -> String {
        byID[id]?.format(amount) ?? String(amount)
    }
}

extension SymbolBook where Listing == OracleMarket {
    /// A market by symbol (any case) or by id.
    func lookup(_ text: String) -> OracleMarket? {
        if let id = UInt32(text) { return byID[id] }
        return bySymbol[text.uppercased()]
    }
}
