import SolventCore

/// The chain's assets by id and by symbol, for turning quantums into decimal text and back.
struct AssetBook: Sendable {
    let byID: [AssetID: Asset]
    let bySymbol: [String: Asset]
    /// In id order, for listings.
    let all: [Asset]

    init(_ assets: [Asset]) {
        all = assets.sorted { $0.id < $1.id }
        byID = Dictionary(uniqueKeysWithValues: assets.map { ($0.id, $0) })
        bySymbol = Dictionary(uniqueKeysWithValues: assets.map { ($0.symbol, $0) })
    }

    func symbol(_ id: AssetID) -> String { byID[id]?.symbol ?? "asset\(id)" }

    func format(_ amount: UInt128, _ id: AssetID) -> String {
        byID[id]?.format(amount) ?? String(amount)
    }
}

/// Oracle market symbols by id, for showing transactions.
struct OracleMarketBook: Sendable {
    let byID: [UInt32: OracleMarket]
    let bySymbol: [String: OracleMarket]
    let all: [OracleMarket]

    init(_ markets: [OracleMarket]) {
        all = markets.sorted { $0.id < $1.id }
        byID = Dictionary(uniqueKeysWithValues: markets.map { ($0.id, $0) })
        bySymbol = Dictionary(uniqueKeysWithValues: markets.map { ($0.symbol, $0) })
    }

    func symbol(_ id: UInt32) -> String { byID[id]?.symbol ?? "market\(id)" }

    /// A market by symbol (any case) or by id.
    func lookup(_ text: String) -> OracleMarket? {
        if let id = UInt32(text) { return byID[id] }
        return bySymbol[text.uppercased()]
    }
}
