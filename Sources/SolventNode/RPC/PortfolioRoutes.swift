import Hummingbird
import SolventCore
import SolventCrypto
import SolventStore
import SolventWire

/// A vault's margin in full (contracts-spec/portfolio-margin.md, "Query"): each position's
/// standalone requirement, their sum (what a cross vault asks), the portfolio requirement, the
/// offset between the two, the scenario tables with the worst scenario, and the Greeks; with
/// `what_if=MARKET:SIZE` the same for the vault with that position added at the mark price.
struct PortfolioRoutes: Sendable {
    let node: Node

    func register(on router: Router<RPCContext>) {
        router.get("/v1/vaults/:address/:number/margin") { request, context in
            try margin(context.parameters.require("address"), context.parameters.require("number"),
                       whatIf: request.uri.queryParameters["what_if"].map(String.init))
        }
    }

    func margin(_ addressText: String, _ numberText: String, whatIf: String?) throws -> Response {
        guard let owner = Address(text: addressText) else {
            throw RPCError.badRequest("invalid_address", "'\(addressText)' is not an address (sv1... bech32m or 64 hex characters)")
        }
        guard let number = UInt32(numberText) else { throw RPCError.badRequest("invalid_vault", "'\(numberText)' is not a vault number") }
        let id = VaultID(owner: owner, number: number)
        let time = node.nextBlockContext().timeMs
        return try node.store.withState { state, head in
            guard let vault = state.vault(id) else { throw RPCError.notFound("account \(owner) has no vault \(number)") }
            var adjust: Margin.Adjustment?
            var added: WhatIfReply?
            if let whatIf { (adjust, added) = try Self.parseWhatIf(whatIf, state: state, time: time) }
            let evaluated = Result { () throws(ProtocolError) in
                try PortfolioReadModel.evaluate(id, state: state, at: time, adjust: adjust, settings: state.portfolioSettings())
            }
            let risk: VaultRisk, portfolio: PortfolioMargin.Result
            switch evaluated {
            case .success(let r): (risk, portfolio) = r
            case .failure(let error): throw RPCError(error)
            }
            return .json(PortfolioReadModel.margin(id: id, mode: vault.mode, risk: risk, portfolio: portfolio, state: state,
                                                   height: head.height, time: time, whatIf: added))
        }
    }

    /// "BTC-PERP:-0.5" (a market symbol or id, a signed size): the position added at the mark
    /// price, with no fee.
    static func parseWhatIf(_ text: String, state: some StateReader, time: UInt64) throws -> (Margin.Adjustment, WhatIfReply) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw RPCError.badRequest("invalid_what_if", "what_if is MARKET:SIZE, like BTC-PERP:-0.5") }
        let market = try MarketRoutes.lookup(parts[0], state)
        let negative = parts[1].hasPrefix("-")
        let magnitude = negative || parts[1].hasPrefix("+") ? String(parts[1].dropFirst()) : parts[1]
        guard let units = try? Amount.parse(magnitude, decimals: PerpUnits.sizeDecimals), units > 0, units <= UInt128(Int64.max),
              UInt64(units) % market.params.stepSize == 0 else {
            throw RPCError.badRequest("invalid_what_if", "'\(parts[1])' is not a nonzero size on \(market.params.symbol)'s step of \(PerpUnits.formatSize(Int64(market.params.stepSize)))")
        }
        let size = negative ? -Int64(units) : Int64(units)
        guard let oracle = state.oracleMarket(market.params.oracleMarket), oracle.hasPrice else {
            throw RPCError(ProtocolError(.oracleNoPrice, "\(market.params.symbol)'s underlying has no price"))
        }
        var mark = Margin.Mark(underlying: oracle.price)
        if case .option(let expiry, _, _, let volOracle) = market.params.instrument {
            guard let (vol, _) = try? Margin.optionVolatility(volOracle, expiry: expiry, surfaces: state.volSurfaces(), state, time, .latest) else {
                throw RPCError(ProtocolError(.oracleNoPrice, "\(market.params.symbol)'s volatility feed has no value"))
            }
            mark = Margin.optionMark(market.params, underlying: oracle.price, vol: vol, at: time)
        }
        let quote = FixedPoint.mulDiv(Int128(size), Int128(mark.price), Int128(PerpUnits.notionalDivisor), .down) ?? 0
        return (Margin.Adjustment(market: market.id, size: size, quote: -quote),
                WhatIfReply(market: market.params.symbol, size: PerpUnits.formatSize(size), price: OraclePrice.format(mark.price)))
    }
}
