extension Liquidation {
    /// A liquidation whose checks passed and whose size is known: the parties, the planned close
    /// and the prices it is measured against (liquidation.md, "Bankruptcy price", "Backstop price").
    /// Its methods are the steps of "Execution" and of "Fee, bounty and fund flows".
    struct Plan {
        let target: VaultID
        let keeper: VaultID
        let marketID: UInt32
        let symbol: String
        let step: UInt64
        let settings: LiquidationSettings
        /// The vault and its position before the liquidation.
        let risk: VaultRisk
        let position: PositionRisk
        /// The oracle price of the position's market.
        let price: UInt64
        let closing: Side
        /// The size the buffer rule asks for, and the size after the caps ("Size").
        let needed: UInt64
        let planned: UInt64
        /// The bankruptcy price of the planned close, on the tick (for the book's deficit budget
        /// and ADL), and the equity the planned close takes with it (for surplus and deficit).
        let bankruptcy: UInt64
        let share: Int128
        let backstop: UInt64
        /// The deficit taking over at the backstop price leaves per whole unit ("Execution", step 3).
        let unitDeficit: Int128

        init(target: VaultID, keeper: VaultID, market marketID: UInt32, params p: PerpMarketParams, risk: VaultRisk,
             position: PositionRisk, settings: LiquidationSettings, needed: UInt64, planned: UInt64) throws(ProtocolError) {
            self.target = target
            self.keeper = keeper
            self.marketID = marketID
            self.symbol = p.symbol
            self.step = p.stepSize
            self.settings = settings
            self.risk = risk
            self.position = position
            self.price = position.oraclePrice
            self.closing = position.size > 0 ? .sell : .buy
            self.needed = needed
            self.planned = planned
            bankruptcy = try Liquidation.bankruptcyPrice(vault: risk, position: position, closing: planned, market: p, tick: p.tickSize)
            share = try Liquidation.equityShare(vault: risk, position: position, closing: planned, market: p)
            backstop = Liquidation.backstopPrice(oracle: price, closing: closing, discountPpm: settings.backstopDiscountPpm, tick: p.tickSize)
            unitDeficit = closing == .sell ? Int128(bankruptcy) - Int128(backstop) : Int128(backstop) - Int128(bankruptcy)
        }

        /// What closing `size` for `quote` beat its bankruptcy quote by, negative for a deficit
        /// ("Bankruptcy price", `surplus`).
        func surplus(quote: UInt128, size: UInt64) throws(ProtocolError) -> Int128 {
            let due = try Liquidation.bankruptcyQuote(closing: size, of: planned, share: share, oracle: price, long: closing == .sell)
            let q = try Int128(checked: quote)
            return closing == .sell ? try q.subtracting(due) : try due.subtracting(q)
        }

        /// `rest` ("Execution"): what the parts of the close so far left of the planned size, for
        /// the next part to take.
        func rest(after parts: ClosedParts) -> UInt64 { planned - parts.bookSize - parts.backstopSize - parts.adl.filled }
    }

    /// What each part of the close took (liquidation.md, "Execution", steps 2 to 5).
    struct ClosedParts {
        var bookSize: UInt64
        var bookQuote: UInt128
        var bookSurplus: Int128
        var backstopSize: UInt64 = 0
        var backstopQuote: UInt128 = 0
        var adl = (filled: UInt64(0), quote: UInt128(0), cursor: -1)
        var socialized: (shares: [SocializedLoss.Share], quote: UInt128) = ([], 0)

        var socializedSize: UInt64 { socialized.shares.reduce(UInt64(0)) { $0 + $1.size } }
        /// `closed` ("Execution", step 6).
        var size: UInt64 { bookSize + backstopSize + adl.filled + socializedSize }
        /// `closed_quote` ("Fee, bounty and fund flows"). The parts add up to at most the planned
        /// size's quote at 64-bit prices: they fit.
        var quote: UInt128 { bookQuote + backstopQuote + adl.quote + socialized.quote }
    }
}

extension Liquidation.Plan {
    /// liquidation.md, "Execution", step 2, "The book": the book wherever it beats the keeper's
    /// backstop price, no taker fee. Fills beyond the bankruptcy price leave a deficit, so they go
    /// only as far as the fund can pay for them ("Past bankruptcy").
    func closeAgainstBook(fundBefore: UInt128, market: inout PerpMarket, context: BlockContext, state: StateOverlay,
                          events: inout [Event]) throws(ProtocolError) -> Liquidation.ClosedParts {
        var taker = Matching.Taker(vault: target, side: closing, limit: backstop, feePpm: 0, order: "liquidation")
        if unitDeficit > 0 {
            taker.budget = Matching.DeficitBudget(bankruptcy: bankruptcy, closing: closing, step: step, quantums: fundBefore)
        }
        let book = try Matching.match(taker, size: planned, market: &market, context: context, state: state, events: &events)
        let bookSize = planned - book.remaining
        return .init(bookSize: bookSize, bookQuote: book.quote, bookSurplus: try surplus(quote: book.quote, size: bookSize))
    }

    /// liquidation.md, "Execution", step 3, "The keeper's backstop": the keeper's vault takes over
    /// what the book left at the backstop price, as far as the fund can pay the deficit it leaves.
    func backstop(_ parts: inout Liquidation.ClosedParts, fundBefore: UInt128, market: inout PerpMarket, state: StateOverlay,
                  events: inout [Event]) throws(ProtocolError) {
        let rest = self.rest(after: parts)
        var backstopSize = rest
        if unitDeficit > 0, rest > 0 {
            let budget = UInt128(max(try Int128(checked: fundBefore).adding(parts.bookSurplus), 0))
            let affordable = FixedPoint.mulDiv(budget, PerpUnits.notionalDivisor, UInt128(unitDeficit), .down) ?? UInt128(UInt64.max)
            backstopSize = min(rest, UInt64(clamping: affordable / UInt128(step) * UInt128(step)))
        }
        guard backstopSize > 0 else { return }
        let backstopQuote = UInt128(backstopSize) * UInt128(backstop) / PerpUnits.notionalDivisor
        _ = try Fills.apply(vault: target, side: closing, size: backstopSize, price: backstop, quote: backstopQuote, feePpm: 0,
                            market: &market, state: state)
        _ = try Fills.apply(vault: keeper, side: closing.opposite, size: backstopSize, price: backstop, quote: backstopQuote, feePpm: 0,
                            market: &market, state: state)
        events.append(Event("backstop", [
            ("market", .text(symbol)), ("vault", .vault(target)), ("keeper", .vault(keeper)),
            ("keeper_side", .text(closing.opposite.name)), ("size", .size(Int64(backstopSize))),
            ("price", .price(backstop)), ("quote", .quote(Int128(backstopQuote))),
        ]))
        parts.backstopSize = backstopSize
        parts.backstopQuote = backstopQuote
    }

    /// liquidation.md, "Execution", step 4 (insurance-and-adl.md, "Auto-deleveraging"): what
    /// neither the book nor the fund can take, against the ADL queue at the bankruptcy price.
    func deleverage(_ parts: inout Liquidation.ClosedParts, market: inout PerpMarket, context: BlockContext, state: StateOverlay,
                    events: inout [Event]) throws(ProtocolError) {
        let rest = self.rest(after: parts)
        guard rest > 0 else { return }
        parts.adl = try AutoDeleveraging.deleverage(bankrupt: target, closing: closing, size: rest, price: bankruptcy, market: &market,
                                                    context: context, state: state, events: &events)
    }

    /// liquidation.md, "Execution", step 5 (insurance-and-adl.md, "Socialized loss"): what nobody
    /// took, every position on the other side takes its part of, at the oracle price.
    func socialize(_ parts: inout Liquidation.ClosedParts, market: inout PerpMarket, state: StateOverlay,
                   events: inout [Event]) throws(ProtocolError) {
        let rest = self.rest(after: parts)
        guard rest > 0 else { return }
        parts.socialized = try SocializedLoss.close(bankrupt: target, closing: closing, size: rest, price: price,
                                                    market: &market, state: state, events: &events)
    }
}
