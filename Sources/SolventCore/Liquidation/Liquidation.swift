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

    /// Liquidates `target` in `marketID` for `keeper`: the checks, the size and the prices, the
    /// close (book, backstop, auto-deleveraging, socialized loss), the fee, bounty and fund flows,
    /// the keeper's margin, the mark and the events, each a step below or in `Plan`. Writes to
    /// `state` only on success (the caller's journal rolls back a refusal).
    public static func execute(target: VaultID, market marketID: UInt32, keeper: VaultID, context: BlockContext,
                               state: StateOverlay) throws(ProtocolError) -> Outcome {
        let settings = state.liquidationSettings()
        let (checked, mark) = try checkParties(target: target, market: marketID, keeper: keeper, context: context, state: state)
        var market = checked   // the fills change it; written back once nothing can fail
        let (risk, position) = try checkLiquidatable(target, market: marketID, context: context, state: state)
        let usedThisBlock = mark.height == context.height ? mark.notional : 0
        let (needed, planned) = try plannedSize(of: target, risk: risk, position: position, market: market.params, settings: settings,
                                                usedThisBlock: usedThisBlock)
        let plan = try Plan(target: target, keeper: keeper, market: marketID, params: market.params, risk: risk, position: position,
                            settings: settings, needed: needed, planned: planned)

        var events = cancelRestingOrders(of: target, state: state)
        let fundBefore = state.insuranceFund()
        let keeperBefore = Result { () throws(ProtocolError) in try Margin.risk(of: keeper, state: state, at: context.timeMs, prices: .freshOnly) }
        var parts = try plan.closeAgainstBook(fundBefore: fundBefore, market: &market, context: context, state: state, events: &events)
        try plan.backstop(&parts, fundBefore: fundBefore, market: &market, state: state, events: &events)
        try plan.deleverage(&parts, market: &market, context: context, state: state, events: &events)
        try plan.socialize(&parts, market: &market, state: state, events: &events)
        guard parts.size > 0 else {
            throw ProtocolError(.invalidLiquidation, "nothing could be closed: the book, the keeper's backstop and auto-deleveraging took none of it")
        }

        let settled = try plan.settle(parts, market: market, context: context, state: state, events: &events)
        try plan.checkKeeperMargin(before: keeperBefore, parts, context: context, state: state)

        state.putPerpMarket(market)
        if parts.adl.cursor >= 0 { context.memo.advanceADL(market: marketID, long: plan.closing == .buy, to: parts.adl.cursor) }
        try recordMark(mark, of: target, market: marketID, closedNotional: settled.notional, context: context, state: state)
        let fundAfter = state.insuranceFund()
        events.append(plan.liquidationEvent(parts, settled, fundAfter: fundAfter))
        return Outcome(plan, parts, settled, fundBefore: fundBefore, fundAfter: fundAfter, events: events)
    }

    // MARK: The steps, in the order execute takes them

    /// liquidation.md, "Checks, in order", 2 to 7: the vaults, the market and the position, the
    /// keeper's vault able to take a position in it, and one liquidation per (vault, market) per
    /// block ("Per-block limits"). Returns the market, written back once the close is done, and the
    /// vault's liquidation mark.
    static func checkParties(target: VaultID, market marketID: UInt32, keeper: VaultID, context: BlockContext,
                             state: StateOverlay) throws(ProtocolError) -> (market: PerpMarket, mark: LiquidationMark) {
        guard target != keeper else { throw ProtocolError(.invalidLiquidation, "a vault cannot liquidate itself; name another vault for the bounty") }
        guard let market = state.perpMarket(marketID) else { throw ProtocolError(.unknownMarket, "market \(marketID) does not exist") }
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
        if mark.height == context.height, mark.markets.contains(marketID) {
            throw ProtocolError(.alreadyLiquidated, "vault \(target) was already liquidated in \(symbol) in this block; try again in the next one")
        }
        return (market, mark)
    }

    /// liquidation.md, "Checks, in order", 8 to 9a: the vault's margin at fresh prices (a stale or
    /// missing price refuses with its own code), liquidatable, and for a portfolio vault the market
    /// to close first ("Portfolio vaults and options"). Returns the vault and the position as they are.
    static func checkLiquidatable(_ target: VaultID, market marketID: UInt32, context: BlockContext,
                                  state: StateOverlay) throws(ProtocolError) -> (risk: VaultRisk, position: PositionRisk) {
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
        return (risk, risk.positions.first { $0.market == marketID }!)
    }

    /// liquidation.md, "Size", and check 10: what restores the buffer (`closeSize`), then within
    /// the per-block caps ("Per-block limits") less what the vault closed earlier in this block.
    static func plannedSize(of target: VaultID, risk: VaultRisk, position: PositionRisk, market p: PerpMarketParams,
                            settings: LiquidationSettings, usedThisBlock: UInt128) throws(ProtocolError) -> (needed: UInt64, planned: UInt64) {
        let symbol = p.symbol, price = position.oraclePrice
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
        return (needed, planned)
    }

    /// liquidation.md, "Execution", step 1: the vault's resting orders go first, in every market:
    /// they could add risk to a vault being closed out.
    static func cancelRestingOrders(of target: VaultID, state: StateOverlay) -> [Event] {
        var events = [Event]()
        for o in OrderBook.orders(owner: target.owner, vault: target.number, state: state) {
            OrderBook.remove(o, state)
            events.append(Event("order_canceled", [("order_id", .number(o.id)), ("reason", "liquidation"),
                                                   ("remaining", .size(Int64(o.remaining)))]))
        }
        return events
    }

    /// liquidation.md, "Per-block limits": the vault's mark becomes (this block, what it closed
    /// earlier in it + `closedNotional`, its markets and this one); a mark of an older block is replaced.
    static func recordMark(_ mark: LiquidationMark, of target: VaultID, market marketID: UInt32, closedNotional notional: UInt128,
                           context: BlockContext, state: StateOverlay) throws(ProtocolError) {
        var newMark = mark.height == context.height ? mark : LiquidationMark(height: context.height, notional: 0, markets: [])
        newMark.notional = try newMark.notional.adding(notional)
        newMark.markets.append(marketID)
        state.putLiquidationMark(target, newMark)
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
