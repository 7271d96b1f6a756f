import SolventCrypto

/// Keeper liquidations (contracts-spec/liquidation.md). Anyone may close part of a position of a
/// vault whose equity is under its maintenance requirement, and is paid a bounty for it:
///
/// 1. **Checks**: fresh prices, the vault liquidatable, one liquidation per (vault, market) per
///    block, the per-block notional caps.
/// 2. **Size**: the least whole number of steps that brings equity back to (1 + buffer) ×
///    maintenance at the oracle price, else the whole position; then the caps.
/// 3. **Bankruptcy price**: the closed part takes its share of the vault's equity, in proportion
///    to the maintenance it releases; closing at this price leaves the rest of the vault exactly
///    where it was in equity ÷ maintenance terms, and closing everything leaves equity 0.
/// 4. **Close**: against the book wherever it beats the keeper's backstop price (no taker fee;
///    fills beyond the bankruptcy price only as far as the insurance fund can pay their deficit),
///    then the keeper's vault takes over what is left at the oracle price less a discount, the
///    fund paying any deficit; what the fund cannot pay is auto-deleveraged against the most
///    profitable, most leveraged positions on the other side at the bankruptcy price.
/// 5. **Fee and bounty**: fee = min(notional × fee rate, max fee, what the fills beat the
///    bankruptcy quote by); bounty = min(tip + share × fee, max bounty), from the fee first, then
///    from the rest of that surplus, never from the fund; the rest of the fee goes to the fund.
public enum Liquidation {
    /// What one liquidation did.
    public struct Outcome: Equatable, Sendable {
        public let vault: VaultID
        public let market: UInt32
        public let keeper: VaultID
        public let oraclePrice: UInt64
        public let equityBefore: Int128
        public let maintenanceBefore: UInt128
        public let positionBefore: Int64
        /// The size the buffer rule asks for, and the size after the caps.
        public let neededSize: UInt64
        public let plannedSize: UInt64
        public let bankruptcyPrice: UInt64
        public let bookSize: UInt64
        public let bookQuote: UInt128
        public let backstopSize: UInt64
        public let backstopPrice: UInt64
        public let adlSize: UInt64
        /// What nobody else took, closed against every position on the other side at the oracle
        /// price, and the deficit they share (insurance-and-adl.md, "Socialized loss").
        public let socializedSize: UInt64
        public let socializedLoss: UInt128
        public let closedSize: UInt64
        /// |closed| × oracle price, rounded up.
        public let closedNotional: UInt128
        /// What the fills beat the bankruptcy price by (negative: the deficit).
        public let surplus: Int128
        public let fee: UInt128
        public let bounty: UInt128
        public let deficitPaid: UInt128
        /// The deficit auto-deleveraging spared the fund: adl size × (bankruptcy − backstop price).
        public let deficitDeleveraged: UInt128
        public let fundBefore: UInt128
        public let fundAfter: UInt128
        public let events: [Event]

        /// Quote amount closed by auto-deleveraging, at the bankruptcy price.
        public var adlNotional: UInt128 { UInt128(adlSize) * UInt128(bankruptcyPrice) / PerpUnits.notionalDivisor }
    }

    /// The `liquidate` transaction: `sender` liquidates `owner`'s vault in `market` and takes the
    /// bounty (and any backstop) into its own vault `keeperVault`.
    static func liquidate(owner: Address, vault: UInt32, market: UInt32, keeperVault: UInt32, sender: Address, context: BlockContext,
                          state: StateOverlay) throws(ProtocolError) -> [Event] {
        let keeper = VaultID(owner: sender, number: keeperVault)
        guard let account = state.account(sender), keeperVault < account.vaultCount, state.vault(keeper) != nil else {
            throw ProtocolError(.vaultNotFound, "you have no vault \(keeperVault) to take the bounty; deposit into it first")
        }
        return try execute(target: VaultID(owner: owner, number: vault), market: market, keeper: keeper, context: context, state: state).events
    }

    /// Liquidates `target` in `marketID` for `keeper`. Writes to `state` only on success (the
    /// caller's journal rolls back a refusal).
    public static func execute(target: VaultID, market marketID: UInt32, keeper: VaultID, context: BlockContext,
                               state: StateOverlay) throws(ProtocolError) -> Outcome {
        let settings = state.liquidationSettings()
        guard target != keeper else { throw ProtocolError(.invalidLiquidation, "a vault cannot liquidate itself; name another vault for the bounty") }
        guard var market = state.perpMarket(marketID) else { throw ProtocolError(.unknownMarket, "market \(marketID) does not exist") }
        let symbol = market.params.symbol
        guard state.vault(target) != nil else { throw ProtocolError(.vaultNotFound, "account \(target.owner) has no vault \(target.number)") }
        guard let held = state.position(target, marketID), held.size != 0 else {
            throw ProtocolError(.positionNotFound, "vault \(target) has no position in \(symbol)")
        }
        guard let keeperVault = state.vault(keeper) else { throw ProtocolError(.vaultNotFound, "keeper vault \(keeper) does not exist") }
        if case .isolated(let only) = keeperVault.mode, only != marketID {
            throw ProtocolError(.vaultMarketMismatch, "keeper vault \(keeper.number) is isolated to market \(only) and cannot take a \(symbol) position")
        }
        let mark = state.liquidationMark(target)
        let usedThisBlock = mark.height == context.height ? mark.notional : 0
        if mark.height == context.height, mark.markets.contains(marketID) {
            throw ProtocolError(.alreadyLiquidated, "vault \(target) was already liquidated in \(symbol) in this block; try again in the next one")
        }

        // 1. Liquidatable at fresh prices (a stale or missing price refuses with its own code).
        let risk = try Margin.risk(of: target, state: state, at: context.timeMs, prices: .freshOnly)
        guard risk.isLiquidatable else {
            throw ProtocolError(.vaultNotLiquidatable,
                "vault \(target) is not liquidatable: equity \(PerpUnits.formatQuote(risk.equity)) USDC is not below its maintenance requirement of \(PerpUnits.formatQuote(Int128(risk.maintenance))) USDC")
        }
        if let first = try firstMarketToClose(risk, state: state), first != marketID {
            let name = state.perpMarket(first)?.params.symbol ?? String(first)
            throw ProtocolError(.liquidateOtherMarketFirst,
                "vault \(target) is a portfolio vault: closing \(name) lowers its requirement most, so it is liquidated there first")
        }
        let position = risk.positions.first { $0.market == marketID }!
        let p = market.params, price = position.oraclePrice
        let closing: Side = position.size > 0 ? .sell : .buy

        // 2. Size: what restores the buffer, within the caps.
        let needed = try closeSize(vault: risk, position: position, market: p, settings: settings, step: p.stepSize, tick: p.tickSize)
        let cap = min(settings.maxPositionNotionalPerBlock,
                      settings.maxVaultNotionalPerBlock > usedThisBlock ? settings.maxVaultNotionalPerBlock - usedThisBlock : 0)
        // A position marked at 0 (an option worth nothing) has no notional: the caps do not bind it.
        let capUnits = FixedPoint.mulDiv(cap, PerpUnits.notionalDivisor, UInt128(price), .down) ?? UInt128(UInt64.max)
        let capSize = UInt64(clamping: capUnits / UInt128(p.stepSize) * UInt128(p.stepSize))
        let planned = min(needed, capSize)
        guard planned > 0 else {
            throw ProtocolError(.liquidationCapReached, usedThisBlock > 0
                ? "vault \(target) has used its liquidation cap for this block (\(PerpUnits.formatQuote(Int128(usedThisBlock))) USDC closed); try again in the next one"
                : "the per-block cap of \(PerpUnits.formatQuote(Int128(cap))) USDC is less than one step of \(symbol) at \(OraclePrice.format(price))")
        }

        // 3. Bankruptcy price of the planned close (on the tick, for the book's deficit budget and ADL)
        // and the exact amount each closed unit must bring (for surplus and deficit).
        let bankruptcy = try bankruptcyPrice(vault: risk, position: position, closing: planned, market: p, tick: p.tickSize)
        let share = try equityShare(vault: risk, position: position, closing: planned, market: p)
        func surplus(quote: UInt128, size: UInt64) throws(ProtocolError) -> Int128 {
            let due = try bankruptcyQuote(closing: size, of: planned, share: share, oracle: price, long: closing == .sell)
            let q = try Int128(checked: quote)
            return closing == .sell ? try q.subtracting(due) : try due.subtracting(q)
        }

        var events = [Event]()
        // The vault's resting orders go first: they could add risk to a vault being closed out.
        for o in OrderBook.orders(owner: target.owner, vault: target.number, state: state) {
            OrderBook.remove(o, state)
            events.append(Event("order_canceled", [("order_id", .number(o.id)), ("reason", "liquidation"),
                                                   ("remaining", .size(Int64(o.remaining)))]))
        }
        let fundBefore = state.insuranceFund()
        let keeperBefore = Result { () throws(ProtocolError) in try Margin.risk(of: keeper, state: state, at: context.timeMs, prices: .freshOnly) }

        // 4a. The book, wherever it beats the keeper's backstop price, no taker fee. Fills beyond the
        // bankruptcy price leave a deficit, so they go only as far as the fund can pay for them.
        let backstop = backstopPrice(oracle: price, closing: closing, discountPpm: settings.backstopDiscountPpm, tick: p.tickSize)
        let unitDeficit = closing == .sell ? Int128(bankruptcy) - Int128(backstop) : Int128(backstop) - Int128(bankruptcy)
        var taker = Matching.Taker(vault: target, side: closing, limit: backstop, feePpm: 0, order: "liquidation")
        if unitDeficit > 0 {
            taker.budget = Matching.DeficitBudget(bankruptcy: bankruptcy, closing: closing, step: p.stepSize, quantums: fundBefore)
        }
        let book = try Matching.match(taker, size: planned, market: &market, context: context, state: state, events: &events)
        let bookSize = planned - book.remaining
        let bookSurplus = try surplus(quote: book.quote, size: bookSize)

        // 4b. The keeper's backstop, as far as the fund can pay the deficit it leaves.
        var rest = book.remaining
        var backstopSize = rest
        if unitDeficit > 0, rest > 0 {
            let budget = UInt128(max(try Int128(checked: fundBefore).adding(bookSurplus), 0))
            let affordable = FixedPoint.mulDiv(budget, PerpUnits.notionalDivisor, UInt128(unitDeficit), .down) ?? UInt128(UInt64.max)
            backstopSize = min(rest, UInt64(clamping: affordable / UInt128(p.stepSize) * UInt128(p.stepSize)))
        }
        var backstopQuote: UInt128 = 0
        if backstopSize > 0 {
            backstopQuote = UInt128(backstopSize) * UInt128(backstop) / PerpUnits.notionalDivisor
            _ = try Fills.apply(vault: target, side: closing, size: backstopSize, price: backstop, quote: backstopQuote, feePpm: 0,
                                market: &market, state: state)
            _ = try Fills.apply(vault: keeper, side: closing.opposite, size: backstopSize, price: backstop, quote: backstopQuote, feePpm: 0,
                                market: &market, state: state)
            events.append(Event("backstop", [
                ("market", .text(symbol)), ("vault", .vault(target)), ("keeper", .vault(keeper)),
                ("keeper_side", .text(closing.opposite.name)), ("size", .size(Int64(backstopSize))),
                ("price", .price(backstop)), ("quote", .quote(Int128(backstopQuote))),
            ]))
            rest -= backstopSize
        }

        // 4c. What neither the book nor the fund can take: auto-deleveraging at the bankruptcy price.
        var adl = (filled: UInt64(0), quote: UInt128(0), cursor: -1)
        if rest > 0 {
            adl = try AutoDeleveraging.deleverage(bankrupt: target, closing: closing, size: rest, price: bankruptcy, market: &market,
                                                  context: context, state: state, events: &events)
        }
        // 4d. What nobody took: every position on the other side takes its part, at the oracle price.
        var socialized: (shares: [SocializedLoss.Share], quote: UInt128) = ([], 0)
        if rest > adl.filled {
            socialized = try SocializedLoss.close(bankrupt: target, closing: closing, size: rest - adl.filled, price: price,
                                                  market: &market, state: state, events: &events)
        }
        let socializedSize = socialized.shares.reduce(UInt64(0)) { $0 + $1.size }
        let closed = bookSize + backstopSize + adl.filled + socializedSize
        guard closed > 0 else {
            throw ProtocolError(.invalidLiquidation, "nothing could be closed: the book, the keeper's backstop and auto-deleveraging took none of it")
        }

        // 5. Fee, deficit and bounty.
        // The three parts add up to at most the planned size's quote at 64-bit prices: they fit.
        let closedQuote = book.quote + backstopQuote + adl.quote + socialized.quote
        let excess = try surplus(quote: closedQuote, size: closed)
        guard let notional = FixedPoint.mulDiv(UInt128(closed), UInt128(price), PerpUnits.notionalDivisor, .up) else { throw .overflow }
        var fee: UInt128 = 0, deficitPaid: UInt128 = 0
        guard var vault = state.vault(target) else { throw ProtocolError(.vaultNotFound, "vault \(target) does not exist") }
        if excess >= 0 {
            fee = min(Self.fee(closing: closed, at: price, settings: settings), UInt128(excess))
            vault.quote = try vault.quote.subtracting(Int128(checked: fee))
        } else {
            deficitPaid = try InsuranceFund.pay(excess.magnitude, for: .deficit, vault: target, market: marketID, context: context, state: state)
            vault.quote = try vault.quote.adding(Int128(checked: deficitPaid))
        }
        state.putVault(target, vault)
        // The deficit the fund could not pay is shared by those who took the rest over.
        let socializedLoss = socializedSize > 0 && excess < 0 ? excess.magnitude - deficitPaid : 0
        if socializedSize > 0 {
            try SocializedLoss.charge(socializedLoss, shares: socialized.shares, bankrupt: target, market: market, price: price,
                                      state: state, events: &events)
            try InsuranceFund.recordSocialized(socializedLoss, vault: target, market: marketID, context: context, state: state)
        }
        let deficitDeleveraged = unitDeficit > 0 ? UInt128(adl.filled) * UInt128(unitDeficit) / PerpUnits.notionalDivisor : 0
        try InsuranceFund.recordDeleveraged(deficitDeleveraged, vault: target, market: marketID, context: context, state: state)

        // The bounty comes out of the fee, then out of what the fills beat the bankruptcy quote by
        // beyond the fee; never out of the fund. Capped by max_bounty, so a sum past 128 bits is the cap.
        let feeShare = FixedPoint.mulDiv(fee, UInt128(settings.keeperSharePpm), 1_000_000, .down) ?? UInt128.max
        let promised = min((try? settings.keeperTip.adding(feeShare)) ?? UInt128.max, settings.maxBounty)
        let fromFee = min(promised, fee)
        let fromVault = min(promised - fromFee, excess > 0 ? UInt128(excess) - fee : 0)
        let bounty = fromFee + fromVault
        if fromVault > 0 {
            guard var charged = state.vault(target) else { throw ProtocolError(.vaultNotFound, "vault \(target) does not exist") }
            charged.quote = try charged.quote.subtracting(Int128(checked: fromVault))
            state.putVault(target, charged)
        }
        try InsuranceFund.receiveLiquidationFee(fee - fromFee, vault: target, market: marketID, context: context, state: state)
        guard var keeperAfter = state.vault(keeper) else { throw ProtocolError(.vaultNotFound, "keeper vault \(keeper) does not exist") }
        keeperAfter.quote = try keeperAfter.quote.adding(Int128(checked: bounty))
        state.putVault(keeper, keeperAfter)

        // The keeper's vault must carry what it took over.
        if backstopSize > 0 {
            do throws(ProtocolError) {
                let before = try keeperBefore.get()
                let after = try Margin.risk(of: keeper, state: state, at: context.timeMs, prices: .freshOnly)
                try Margin.requireInitial(after: after, before: before, action: "taking over the position")
            } catch {
                throw ProtocolError(.keeperInsufficientMargin,
                    "keeper vault \(keeper) cannot take over \(PerpUnits.formatSize(Int64(backstopSize))) \(symbol) at \(OraclePrice.format(backstop)) (the book took \(PerpUnits.formatSize(Int64(bookSize)))): \(error.message)")
            }
        }

        state.putPerpMarket(market)
        if adl.cursor >= 0 { context.memo.advanceADL(market: marketID, long: closing == .buy, to: adl.cursor) }
        var newMark = mark.height == context.height ? mark : LiquidationMark(height: context.height, notional: 0, markets: [])
        newMark.notional = try newMark.notional.adding(notional)
        newMark.markets.append(marketID)
        state.putLiquidationMark(target, newMark)

        let fundAfter = state.insuranceFund()
        events.append(Event("liquidation", [
            ("vault", .vault(target)), ("market", .text(symbol)), ("keeper", .vault(keeper)),
            ("side", .text(closing.name)), ("position", .size(position.size)),
            ("oracle_price", .price(price)), ("equity", .quote(risk.equity)),
            ("maintenance", .quote(Int128(risk.maintenance))),
            ("needed_size", .size(Int64(needed))), ("planned_size", .size(Int64(planned))),
            ("bankruptcy_price", .price(bankruptcy)),
            ("book_size", .size(Int64(bookSize))),
            ("backstop_size", .size(Int64(backstopSize))), ("backstop_price", .price(backstop)),
            ("adl_size", .size(Int64(adl.filled))),
            ("closed_size", .size(Int64(closed))), ("closed_notional", .quote(Int128(notional))),
            ("surplus", .quote(excess)), ("fee", .quote(Int128(fee))),
            ("bounty", .quote(Int128(bounty))), ("deficit_paid", .quote(Int128(deficitPaid))),
            ("deficit_deleveraged", .quote(Int128(deficitDeleveraged))),
            ("socialized_size", .size(Int64(socializedSize))), ("socialized_loss", .quote(Int128(socializedLoss))),
            ("insurance_fund", .quote(Int128(fundAfter))),
        ]))
        return Outcome(
            vault: target, market: marketID, keeper: keeper, oraclePrice: price, equityBefore: risk.equity,
            maintenanceBefore: risk.maintenance, positionBefore: position.size, neededSize: needed, plannedSize: planned,
            bankruptcyPrice: bankruptcy, bookSize: bookSize, bookQuote: book.quote, backstopSize: backstopSize, backstopPrice: backstop,
            adlSize: adl.filled, socializedSize: socializedSize, socializedLoss: socializedLoss, closedSize: closed, closedNotional: notional, surplus: excess, fee: fee, bounty: bounty,
            deficitPaid: deficitPaid, deficitDeleveraged: deficitDeleveraged, fundBefore: fundBefore, fundAfter: fundAfter, events: events)
    }

    // MARK: The formulas (liquidation.md, "Size", "Bankruptcy price", "Backstop")

    /// The vault's maintenance requirement if `delta` of the position were closed (at the oracle price).
    /// For a portfolio vault, the whole portfolio is evaluated again with the position reduced.
    public static func maintenance(afterClosing delta: UInt64, of p: PositionRisk, in vault: VaultRisk,
                                   market: PerpMarketParams) throws(ProtocolError) -> UInt128 {
        // |size| < 2^63 and delta ≤ |size|.
        let left = Int64(p.size.magnitude - UInt64(min(delta, p.size.magnitude)))
        let size = p.size > 0 ? left : -left
        if vault.portfolio != nil, let settings = vault.portfolioSettings {
            var positions = vault.positions.map(\.portfolioPosition)
            if let i = positions.firstIndex(where: { $0.market == p.market }) { positions[i].size = size }
            return (try? PortfolioMargin.evaluate(positions, settings: settings).maintenance) ?? vault.maintenance
        }
        return try (vault.maintenance - min(p.maintenance, vault.maintenance)).adding(Margin.requirements(market, size: size, mark: p.mark).maintenance)
    }

    /// A portfolio vault is liquidated first in the market whose whole close lowers its
    /// maintenance requirement most (the lowest market id among equals); nil for other vaults.
    public static func firstMarketToClose(_ vault: VaultRisk, state: some StateReader) throws(ProtocolError) -> UInt32? {
        guard vault.portfolio != nil else { return nil }
        var best: (market: UInt32, mm: UInt128)?
        for p in vault.positions {
            guard let market = state.perpMarket(p.market) else { continue }
            let mm = try maintenance(afterClosing: UInt64(p.size.magnitude), of: p, in: vault, market: market.params)
            if best == nil || mm < best!.mm { best = (p.market, mm) }
        }
        return best?.market
    }

    /// The liquidation fee on closing `delta` at the oracle price, before the surplus cap:
    /// min(⌈⌈delta × price / 10^10⌉ × fee rate / 10^6⌉, max fee).
    public static func fee(closing delta: UInt64, at price: UInt64, settings: LiquidationSettings) -> UInt128 {
        let notional = FixedPoint.mulDiv(UInt128(delta), UInt128(price), PerpUnits.notionalDivisor, .up) ?? UInt128.max / 2
        return min(FixedPoint.mulDiv(notional, UInt128(settings.feePpm), 1_000_000, .up) ?? UInt128.max, settings.maxFee)
    }

    /// The most closing `delta` can cost the vault beyond its fee: the whole close executed at
    /// the keeper's backstop price, |oracle − backstop| × delta / 10^10, rounded up.
    public static func slippage(closing delta: UInt64, at price: UInt64, backstop: UInt64) -> UInt128 {
        let gap = price > backstop ? price - backstop : backstop - price
        return FixedPoint.mulDiv(UInt128(delta), UInt128(gap), PerpUnits.notionalDivisor, .up) ?? UInt128.max / 2
    }

    /// The least multiple of `step` such that, after its fee and executed at worst at the
    /// backstop price, the close leaves (equity − fee − slippage) × 10^6 ≥ (10^6 + buffer) ×
    /// maintenance; the whole position if no close does. Cost grows and maintenance falls with the
    /// size closed, and the fee rate plus the discount is at most any market's lowest maintenance
    /// rate (a listing rule), so the condition holds from some size on and bisection finds it.
    public static func closeSize(vault: VaultRisk, position p: PositionRisk, market: PerpMarketParams, settings: LiquidationSettings,
                                 step: UInt64, tick: UInt64) throws(ProtocolError) -> UInt64 {
        let whole = UInt64(p.size.magnitude)
        guard vault.equity > 0 else { return whole }
        let backstop = backstopPrice(oracle: p.oraclePrice, closing: p.size > 0 ? .sell : .buy, discountPpm: settings.backstopDiscountPpm, tick: tick)
        func restores(_ delta: UInt64) throws(ProtocolError) -> Bool {
            let left = UInt128(vault.equity)
            let (fee, overflow) = fee(closing: delta, at: p.oraclePrice, settings: settings)
                .addingReportingOverflow(slippage(closing: delta, at: p.oraclePrice, backstop: backstop))
            guard !overflow, left > fee else { return false }
            let mm = try maintenance(afterClosing: delta, of: p, in: vault, market: market)
            guard let needed = FixedPoint.mulDiv(mm, UInt128(1_000_000 + UInt64(settings.bufferPpm)), 1, .up),
                  let have = FixedPoint.mulDiv(left - fee, 1_000_000, 1, .down) else { return false }
            return have >= needed
        }
        var lo: UInt64 = 1, hi = whole / step   // in steps
        guard hi >= 1, try restores(hi * step) else { return whole }
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if try restores(mid * step) { hi = mid } else { lo = mid + 1 }
        }
        return lo * step
    }

    /// The equity the closed part takes with it: equity × (maintenance it releases ÷ the vault's
    /// maintenance), rounded down. In a portfolio vault the shares follow the positions' notionals
    /// instead: closing one leg of a hedge can raise the portfolio requirement, yet that leg still
    /// carries its part of the equity, and what closing a leg costs (fee and keeper's discount) is
    /// in proportion to its notional, which is what the closeout contingency charges for
    /// (liquidation.md, "Soundness").
    public static func equityShare(vault: VaultRisk, position p: PositionRisk, closing delta: UInt64,
                                   market: PerpMarketParams) throws(ProtocolError) -> Int128 {
        if vault.portfolio != nil {
            // Notionals at each position's own price (an option's mark, not its underlying's), the
            // price its fee and discount are taken on.
            func atMark(_ size: UInt64, _ price: UInt64) -> UInt128 {
                FixedPoint.mulDiv(UInt128(size), UInt128(price), PerpUnits.notionalDivisor, .up) ?? UInt128(Int128.max)
            }
            let closed = atMark(delta, p.oraclePrice)
            var total: UInt128 = 0
            for q in vault.positions { total = total.addingReportingOverflow(atMark(UInt64(q.size.magnitude), q.oraclePrice)).partialValue }
            guard total > 0, total <= UInt128(Int128.max) else { return 0 }
            // closed ≤ this position's part of the total: the share is at most the equity.
            return FixedPoint.mulDiv(vault.equity, Int128(min(closed, total)), Int128(total), .down) ?? 0
        }
        let after = try maintenance(afterClosing: delta, of: p, in: vault, market: market)
        let released = vault.maintenance > after ? vault.maintenance - after : 0
        return FixedPoint.mulDiv(vault.equity, Int128(released), Int128(vault.maintenance), .down) ?? 0
    }

    /// The price at which closing `delta` leaves the vault with equity minus the closed part's
    /// share: oracle − share × 10^10 / delta for a long (rounded up, then up to the tick), oracle
    /// + share × 10^10 / delta for a short (rounded down, then down to the tick); at least one tick.
    public static func bankruptcyPrice(vault: VaultRisk, position p: PositionRisk, closing delta: UInt64, market: PerpMarketParams,
                                       tick: UInt64) throws(ProtocolError) -> UInt64 {
        let share = try equityShare(vault: vault, position: p, closing: delta, market: market)
        let perUnit = FixedPoint.mulDiv(share, Int128(PerpUnits.notionalDivisor), Int128(delta), .down) ?? (share > 0 ? Int128.max / 4 : Int128.min / 4)
        let oracle = Int128(p.oraclePrice), t = Int128(tick)
        let raw = p.size > 0 ? oracle - perUnit : oracle + perUnit
        let onTick = p.size > 0 ? FixedPoint.divide(raw, t, .up) * t : FixedPoint.divide(raw, t, .down) * t
        let highest = Int128(UInt64.max) / t * t
        return UInt64(min(max(onTick, t), highest))
    }

    /// The keeper's price for taking over: oracle × (1 − discount) when it buys a long (rounded up
    /// to the tick), oracle × (1 + discount) when it takes a short (rounded down to the tick).
    public static func backstopPrice(oracle: UInt64, closing: Side, discountPpm: UInt32, tick: UInt64) -> UInt64 {
        // The discount is at most 100% (a liquidation-settings rule); min() keeps a stray one from trapping.
        let discount = UInt128(min(discountPpm, 1_000_000))
        let rate = closing == .sell ? 1_000_000 - discount : 1_000_000 + discount
        let divisor = 1_000_000 * UInt128(tick)
        let steps = FixedPoint.mulDiv(UInt128(oracle), rate, divisor, closing == .sell ? .up : .down) ?? 0
        return UInt64(clamping: max(steps, 1) * UInt128(tick))
    }

    /// What closing `size` of a planned close of `planned` must bring to leave the vault its
    /// share: for a long, the least it must receive, ⌊size × oracle / 10^10⌋ − ⌈share × size /
    /// planned⌉; for a short, the most it may pay, ⌈size × oracle / 10^10⌉ + ⌈share × size /
    /// planned⌉. Both round in the fund's favour (a deficit never comes out larger than it is),
    /// and closing everything at exactly this amount leaves the vault's equity at zero.
    public static func bankruptcyQuote(closing size: UInt64, of planned: UInt64, share: Int128, oracle: UInt64,
                                       long: Bool) throws(ProtocolError) -> Int128 {
        guard let part = FixedPoint.mulDiv(share, Int128(size), Int128(planned), .up) else { throw .overflow }
        // 64-bit size × 64-bit price fits 128 bits.
        if long {
            let value = Int128(UInt128(size) * UInt128(oracle) / PerpUnits.notionalDivisor)
            return try value.subtracting(part)
        }
        let value = Int128(FixedPoint.mulDiv(UInt128(size), UInt128(oracle), PerpUnits.notionalDivisor, .up) ?? 0)
        return try value.adding(part)
    }
}

/// The last block a vault was liquidated in, the notional closed and the markets (table
/// `liquidation_marks`, key = vault key): the per-block limits read it.
public struct LiquidationMark: Equatable, Sendable {
    public var height: UInt64
    public var notional: UInt128
    public var markets: [UInt32]

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 32 + 4 * markets.count)
        w.u8(1)
        w.u64(height)
        w.u128(notional)
        w.u16(UInt16(clamping: markets.count))
        for m in markets.prefix(Int(UInt16.max)) { w.u32(m) }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(ProtocolError) -> LiquidationMark {
        var r = ByteReader(bytes)
        guard try r.u8("liquidation mark version") == 1 else { throw ProtocolError(.unknownVersion, "liquidation mark version") }
        let height = try r.u64("height"), notional = try r.u128("notional")
        var markets = [UInt32]()
        for _ in 0..<Int(try r.u16("market count")) { markets.append(try r.u32("market")) }
        try r.expectEnd()
        return LiquidationMark(height: height, notional: notional, markets: markets)
    }
}

extension StateReader {
    public func liquidationMark(_ vault: VaultID) -> LiquidationMark {
        guard let b = get(.liquidationMarks, vault.key) else { return LiquidationMark(height: 0, notional: 0, markets: []) }
        return decodeStored(b, "liquidation mark \(vault)", LiquidationMark.decode)
    }
}

extension StateOverlay {
    func putLiquidationMark(_ vault: VaultID, _ mark: LiquidationMark) { put(.liquidationMarks, vault.key, mark.encoded()) }
}
