import Hummingbird
import SolventCore
import SolventCrypto
import SolventStore
import SolventWire

/// Markets, order books, orders and the protocol's balances (contracts-spec/markets.md, "Queries").
struct MarketRoutes: Sendable {
    let node: Node
    static let maxDepth = 500

    func register(on router: Router<RPCContext>) {
        router.get("/v1/markets") { _, _ in try markets() }
        router.get("/v1/markets/:market") { request, context in
            try market(context.parameters.require("market"), depth: request.uri.queryParameters["depth"].map(String.init))
        }
        router.get("/v1/orders/:address") { request, context in
            try orders(context.parameters.require("address"), vault: request.uri.queryParameters["vault"].map(String.init),
                       market: request.uri.queryParameters["market"].map(String.init))
        }
        router.get("/v1/protocol") { _, _ in try protocolAccounts() }
    }

    /// A market by symbol (any case) or id.
    static func lookup(_ text: String, _ state: some StateReader) throws -> PerpMarket {
        if let id = UInt32(text), let m = state.perpMarket(id) { return m }
        if let m = state.perpMarkets().first(where: { $0.params.symbol == text.uppercased() }) { return m }
        throw RPCError.notFound("no market '\(text)' (known: \(state.perpMarkets().map(\.params.symbol).joined(separator: ", ")))")
    }

    func markets() throws -> Response {
        .json(try node.marketReplies())
    }

    func market(_ text: String, depth: String?) throws -> Response {
        var levels = 20
        if let depth {
            guard let d = Int(depth), (1...Self.maxDepth).contains(d) else {
                throw RPCError.badRequest("invalid_depth", "depth must be 1 to \(Self.maxDepth)")
            }
            levels = d
        }
        return try node.store.withState { state, head in
            .json(MarketReadModel.market(try Self.lookup(text, state), state: state, at: head.timeMs, depth: levels))
        }
    }

    func orders(_ addressText: String, vault: String?, market: String?) throws -> Response {
        guard let owner = Address(text: addressText) else {
            throw RPCError.badRequest("invalid_address", "'\(addressText)' is not an address (sv1... bech32m or 64 hex characters)")
        }
        var vaultNumber: UInt32?
        if let vault {
            guard let v = UInt32(vault) else { throw RPCError.badRequest("invalid_vault", "'\(vault)' is not a vault number") }
            vaultNumber = v
        }
        return try node.store.withState { state, _ in
            let marketID = try market.map { try Self.lookup($0, state).id }
            var found = OrderBook.orders(owner: owner, vault: vaultNumber, state: state)
            if let marketID { found = found.filter { $0.market == marketID } }
            return .json(found.map { OrderReply($0, symbol: state.perpMarket($0.market)?.params.symbol ?? String($0.market)) })
        }
    }

    func protocolAccounts() throws -> Response {
        try node.store.withState { state, head in
            .json(ProtocolReply(feePool: Amount.format(state.feePool(), decimals: 6), insuranceFund: Amount.format(state.insuranceFund(), decimals: 6),
                                insuranceFeeSharePpm: state.insuranceFeeSharePpm(),
                                liquidation: LiquidationConfigReply(state.liquidationSettings()), height: head.height))
        }
    }
}
