import Foundation
import Hummingbird
import SolventCore
import SolventCrypto
import SolventStore
import SolventWire

/// Liquidations for keepers and risk desks (contracts-spec/liquidation.md, "Queries"): the
/// liquidatable vaults with what liquidating them pays now, dry runs of any transaction, price
/// shocks, the insurance fund's history, ADL queues and the conservation audit.
struct LiquidationRoutes: Sendable {
    let node: Node
    static let maxList = 1_000
    static let maxShockMarkets = 16

    func register(on router: Router<RPCContext>) {
        router.get("/v1/liquidatable") { request, _ in
            try liquidatable(limit: try Self.limit(request, default: 100), market: request.uri.queryParameters["market"].map(String.init))
        }
        router.post("/v1/simulate") { request, _ in try await simulate(request) }
        router.get("/v1/risk/shock") { request, _ in
            try shock(markets: request.uri.queryParameters.getAll("market"), moves: request.uri.queryParameters.getAll("move"),
                      keeper: request.uri.queryParameters["keeper"].map(String.init), limit: try Self.limit(request, default: 100))
        }
        router.get("/v1/insurance") { request, _ in
            try insurance(limit: try Self.limit(request, default: 50), before: request.uri.queryParameters["before"].map(String.init))
        }
        router.get("/v1/adl/:market") { request, context in
            try adl(context.parameters.require("market"), limit: try Self.limit(request, default: 100))
        }
        router.get("/v1/supply") { _, _ in try supply() }
    }

    static func limit(_ request: Request, default value: Int) throws -> Int {
        guard let text = request.uri.queryParameters["limit"] else { return value }
        guard let n = Int(text), (1...maxList).contains(n) else {
            throw RPCError.badRequest("invalid_limit", "limit must be 1 to \(maxList)")
        }
        return n
    }

    // MARK: Liquidatable vaults

    /// The index's candidates, checked and probed on one snapshot (LiquidationReadModel).
    func liquidatable(limit: Int, market: String?) throws -> Response {
        let marketFilter = try market.map { text in try node.store.withState { state, _ in try MarketRoutes.lookup(text, state).id } }
        return .json(try node.liquidatableReply(limit: limit, market: marketFilter))
    }

    // MARK: Dry runs

    func simulate(_ request: Request) async throws -> Response {
        let routes = Routes(node: node)
        let body = try await routes.decodeBody(request, SubmitRequest.self, limit: Routes.maxSingleBody)
        let bytes = try routes.hexTransaction(body.tx)
        let tx: SignedTransaction
        do {
            tx = try TxCodec.decode(bytes)
        } catch {
            throw RPCError(error)
        }
        let verified: VerifiedTransaction
        switch VerifiedTransaction.verify(tx) {
        case .success(let v): verified = v
        case .failure(let e): throw RPCError(e)
        }
        return .json(try node.simulationReply(verified))
    }

    // MARK: Shocks

    /// A move as a fraction ("-0.2") or a percentage ("-20%"), in ppm; exact (no binary floating point).
    static func parseMove(_ text: String) -> Int64? {
        var t = Substring(text.trimmingCharacters(in: .whitespaces))
        var scale: Int64 = 1_000_000
        if t.hasSuffix("%") {
            t = t.dropLast()
            scale = 10_000
        }
        var negative = false
        if t.hasPrefix("-") || t.hasPrefix("+") {
            negative = t.hasPrefix("-")
            t = t.dropFirst()
        }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty || parts.count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              parts[0].count <= 6 else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        let digits = scale == 1_000_000 ? 6 : 4
        guard fraction.count <= digits, !(parts[0].isEmpty && fraction.isEmpty) else { return nil }
        let whole = Int64(parts[0].isEmpty ? "0" : String(parts[0]))!
        let frac = Int64((fraction + String(repeating: "0", count: digits - fraction.count)))!
        let ppm = whole * scale + frac
        return negative ? -ppm : ppm
    }

    func shock(markets: [String], moves: [String], keeper: String?, limit: Int) throws -> Response {
        guard !markets.isEmpty, markets.count == moves.count else {
            throw RPCError.badRequest("invalid_shock", "give one or more market=M&move=X pairs, e.g. ?market=BTC-PERP&move=-0.2")
        }
        guard markets.count <= Self.maxShockMarkets else {
            throw RPCError.badRequest("invalid_shock", "at most \(Self.maxShockMarkets) markets per shock")
        }
        let context = node.nextBlockContext()
        return try node.store.withState { snapshot, head in
            try shock(markets: markets, moves: moves, keeper: keeper, limit: limit, state: snapshot, head: head, context: context)
        }
    }

    func shock(markets: [String], moves: [String], keeper: String?, limit: Int, state snapshot: some StateReader, head: ChainHead,
               context: BlockContext) throws -> Response {
        var parsed = [RiskShock.Move]()
        for (m, text) in zip(markets, moves) {
            guard let ppm = Self.parseMove(text), ppm > -1_000_000, ppm <= 100_000_000 else {
                throw RPCError.badRequest("invalid_move", "move '\(text)' must be a fraction above -1 and at most 100 like -0.2, or a percentage like -20%")
            }
            let oracle = try Self.oracleMarket(m, snapshot)
            guard !parsed.contains(where: { $0.oracleMarket == oracle }) else {
                throw RPCError.badRequest("invalid_shock", "\(m) is named twice (markets on one oracle price move together)")
            }
            parsed.append(RiskShock.Move(oracleMarket: oracle, ppm: ppm))
        }
        var keeperVault: VaultID?
        if let keeper {
            let parts = keeper.split(separator: "/")
            guard parts.count == 2, let owner = Address(text: String(parts[0])), let n = UInt32(parts[1]) else {
                throw RPCError.badRequest("invalid_keeper", "keeper must be ADDRESS/VAULT, e.g. sv1.../0")
            }
            keeperVault = VaultID(owner: owner, number: n)
        }
        // The index names every vault a move could tip over; the simulation checks each exactly.
        var targets = [UInt32: UInt64]()
        for move in parsed {
            guard let m = snapshot.oracleMarket(move.oracleMarket), m.hasPrice else { continue }
            targets[move.oracleMarket] = RiskShock.movedPrice(m.price, ppm: move.ppm)
        }
        let candidates = node.liquidationIndex.candidates(if: targets)
        let report: RiskShock.Report
        let budget = node.config.rpcLimits.shockBudget
        let deadline = ContinuousClock.now + budget
        do {
            report = try RiskShock.run(moves: parsed, candidates: candidates, state: snapshot, context: context, keeper: keeperVault,
                                       proceed: { ContinuousClock.now < deadline })
        } catch {
            throw RPCError(error)
        }
        if let done = report.stoppedAfter {
            throw RPCError(.serviceUnavailable, "shock_over_budget",
                           "the shock makes \(report.liquidatable.count) vaults liquidatable; \(done) were liquidated in "
                               + "\(budget.components.seconds) s, this node's budget for one shock, and the rest were not simulated: "
                               + "try a smaller move")
        }
        return .json(ShockReply(report, height: head.height, candidates: candidates.count, limit: limit, state: snapshot))
    }

    /// The oracle market a shock moves: a perp market's (by symbol, BTC-PERP, or perp id) or an
    /// oracle market by symbol (BTC-USD).
    static func oracleMarket(_ text: String, _ state: some StateReader) throws -> UInt32 {
        if let m = try? MarketRoutes.lookup(text, state) { return m.params.oracleMarket }
        var found: UInt32?
        state.scan(.oraclePrices, prefix: [], from: nil) { key, _ in
            if let id = BigEndianKey.id(key), state.oracleMarket(id)?.symbol == text.uppercased() { found = id }
            return found == nil
        }
        guard let found else { throw RPCError.notFound("no market '\(text)' (a perp like BTC-PERP or an oracle market like BTC-USD)") }
        return found
    }

    // MARK: Insurance fund, ADL, conservation

    func insurance(limit: Int, before: String?) throws -> Response {
        var cursor: UInt64?
        if let before {
            guard let b = UInt64(before) else { throw RPCError.badRequest("invalid_cursor", "before must be a log sequence number") }
            cursor = b
        }
        return try node.store.withState { state, head in
            .json(InsuranceReply(stats: state.insuranceStats(), balance: state.insuranceFund(),
                                 entries: state.insuranceLog(before: cursor, limit: limit), state: state, height: head.height))
        }
    }

    func adl(_ marketText: String, limit: Int) throws -> Response {
        try node.store.withState { state, head in
            let market = try MarketRoutes.lookup(marketText, state)
            func side(_ long: Bool) -> [ADLStandingReply] {
                node.adlRankings.queue(market: market.id, long: long, state: state, height: head.height, timeMs: head.timeMs)
                    .prefix(limit).map(ADLStandingReply.init)
            }
            return .json(ADLReply(market: market.params.symbol, height: head.height, longs: side(true), shorts: side(false)))
        }
    }

    func supply() throws -> Response {
        try node.store.withState { state, head in
            .json(SupplyReply(SupplyAudit.audit(state, genesis: node.genesisSupply), height: head.height, assets: node.assets))
        }
    }
}
