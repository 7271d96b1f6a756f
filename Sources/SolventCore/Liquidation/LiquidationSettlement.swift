extension Liquidation {
    /// What the close came to (liquidation.md, "Fee, bounty and fund flows").
    struct Settlement {
        /// What the fills beat the bankruptcy quote by (negative: the deficit).
        let surplus: Int128
        /// `closed_notional`: |closed| × oracle price, rounded up.
        let notional: UInt128
        let fee: UInt128
        let deficitPaid: UInt128
        let socializedLoss: UInt128
        let deficitDeleveraged: UInt128
        let bounty: UInt128
    }
}

extension Liquidation.Plan {
    /// liquidation.md, "Fee, bounty and fund flows", in its order: the fee out of a surplus or the
    /// fund's part of a deficit, the holders' part of a socialized loss, the deficit
    /// auto-deleveraging spared the fund, then the bounty and the fund's part of the fee.
    func settle(_ parts: Liquidation.ClosedParts, market: PerpMarket, context: BlockContext, state: StateOverlay,
                events: inout [Event]) throws(ProtocolError) -> Liquidation.Settlement {
        let excess = try surplus(quote: parts.quote, size: parts.size)
        guard let notional = FixedPoint.mulDiv(UInt128(parts.size), UInt128(price), PerpUnits.notionalDivisor, .up) else { throw .overflow }
        let (fee, deficitPaid) = try chargeFeeOrPayDeficit(closed: parts.size, surplus: excess, context: context, state: state)
        let socializedLoss = try chargeSocializedLoss(parts, surplus: excess, deficitPaid: deficitPaid, market: market, context: context,
                                                      state: state, events: &events)
        let deficitDeleveraged = try recordDeleveraged(adlSize: parts.adl.filled, context: context, state: state)
        let bounty = try payBounty(fee: fee, surplus: excess, context: context, state: state)
        return .init(surplus: excess, notional: notional, fee: fee, deficitPaid: deficitPaid, socializedLoss: socializedLoss,
                     deficitDeleveraged: deficitDeleveraged, bounty: bounty)
    }

    /// liquidation.md, "Fee, bounty and fund flows": with a surplus, the vault pays the fee, at
    /// most the surplus; with a deficit, the fund pays what it can of it into the vault (log entry
    /// `deficit`, insurance-and-adl.md, "Deficits").
    func chargeFeeOrPayDeficit(closed: UInt64, surplus excess: Int128, context: BlockContext,
                               state: StateOverlay) throws(ProtocolError) -> (fee: UInt128, deficitPaid: UInt128) {
        var fee: UInt128 = 0, deficitPaid: UInt128 = 0
        guard var vault = state.vault(target) else { throw ProtocolError(.vaultNotFound, "vault \(target) does not exist") }
        if excess >= 0 {
            fee = min(Liquidation.fee(closing: closed, at: price, settings: settings), UInt128(excess))
            vault.quote = try vault.quote.subtracting(Int128(checked: fee))
        } else {
            deficitPaid = try InsuranceFund.pay(excess.magnitude, for: .deficit, vault: target, market: marketID, context: context, state: state)
            vault.quote = try vault.quote.adding(Int128(checked: deficitPaid))
        }
        state.putVault(target, vault)
        return (fee, deficitPaid)
    }

    /// insurance-and-adl.md, "Socialized loss": the deficit the fund could not pay is shared by
    /// those who took the rest over (log entry `socialized`).
    func chargeSocializedLoss(_ parts: Liquidation.ClosedParts, surplus excess: Int128, deficitPaid: UInt128, market: PerpMarket,
                              context: BlockContext, state: StateOverlay, events: inout [Event]) throws(ProtocolError) -> UInt128 {
        let socializedSize = parts.socializedSize
        let socializedLoss = socializedSize > 0 && excess < 0 ? excess.magnitude - deficitPaid : 0
        if socializedSize > 0 {
            try SocializedLoss.charge(socializedLoss, shares: parts.socialized.shares, bankrupt: target, market: market, price: price,
                                      state: state, events: &events)
            try InsuranceFund.recordSocialized(socializedLoss, vault: target, market: marketID, context: context, state: state)
        }
        return socializedLoss
    }

    /// liquidation.md, "Fee, bounty and fund flows", `deficit_deleveraged`: what auto-deleveraging
    /// spared the fund, adl size × unit deficit, recorded (log entry `deleveraged`).
    func recordDeleveraged(adlSize: UInt64, context: BlockContext, state: StateOverlay) throws(ProtocolError) -> UInt128 {
        let deficitDeleveraged = unitDeficit > 0 ? UInt128(adlSize) * UInt128(unitDeficit) / PerpUnits.notionalDivisor : 0
        try InsuranceFund.recordDeleveraged(deficitDeleveraged, vault: target, market: marketID, context: context, state: state)
        return deficitDeleveraged
    }

    /// liquidation.md, "Fee, bounty and fund flows": the bounty comes out of the fee, then out of
    /// what the fills beat the bankruptcy quote by beyond the fee; never out of the fund. The rest
    /// of the fee goes to the fund (log entry `liquidation_fee`).
    func payBounty(fee: UInt128, surplus excess: Int128, context: BlockContext, state: StateOverlay) throws(ProtocolError) -> UInt128 {
        // Capped by max_bounty, so a sum past 128 bits is the cap.
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
        return bounty
    }

    /// liquidation.md, "Keeper margin check": a keeper's vault that took over a position must
    /// carry it, by the initial-margin rule of orders, against itself before the book step.
    func checkKeeperMargin(before keeperBefore: Result<VaultRisk, ProtocolError>, _ parts: Liquidation.ClosedParts,
                           context: BlockContext, state: StateOverlay) throws(ProtocolError) {
        let (backstopSize, bookSize) = (parts.backstopSize, parts.bookSize)
        guard backstopSize > 0 else { return }
        do throws(ProtocolError) {
            let before = try keeperBefore.get()
            let after = try Margin.risk(of: keeper, state: state, at: context.timeMs, prices: .freshOnly)
            try Margin.requireInitial(after: after, before: before, action: "taking over the position")
        } catch {
            throw ProtocolError(.keeperInsufficientMargin,
                "keeper vault \(keeper) cannot take over \(PerpUnits.formatSize(Int64(backstopSize))) \(symbol) at \(OraclePrice.format(backstop)) (the book took \(PerpUnits.formatSize(Int64(bookSize)))): \(error.message)")
        }
    }

    /// liquidation.md, "Events": the `liquidation` event, last, with the fund's balance after.
    func liquidationEvent(_ parts: Liquidation.ClosedParts, _ settled: Liquidation.Settlement, fundAfter: UInt128) -> Event {
        // The figures under the names the event's attributes have always been built from.
        let (bookSize, backstopSize, adl, socializedSize, closed) = (parts.bookSize, parts.backstopSize, parts.adl, parts.socializedSize, parts.size)
        let (notional, excess, fee, bounty) = (settled.notional, settled.surplus, settled.fee, settled.bounty)
        let (deficitPaid, deficitDeleveraged, socializedLoss) = (settled.deficitPaid, settled.deficitDeleveraged, settled.socializedLoss)
        return Event("liquidation", [
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
        ])
    }
}

extension Liquidation.Outcome {
    init(_ plan: Liquidation.Plan, _ parts: Liquidation.ClosedParts, _ settled: Liquidation.Settlement, fundBefore: UInt128,
         fundAfter: UInt128, events: [Event]) {
        self.init(
            vault: plan.target, market: plan.marketID, keeper: plan.keeper, oraclePrice: plan.price, equityBefore: plan.risk.equity,
            maintenanceBefore: plan.risk.maintenance, positionBefore: plan.position.size, neededSize: plan.needed, plannedSize: plan.planned,
            bankruptcyPrice: plan.bankruptcy, bookSize: parts.bookSize, bookQuote: parts.bookQuote, backstopSize: parts.backstopSize,
            backstopPrice: plan.backstop, adlSize: parts.adl.filled, socializedSize: parts.socializedSize, socializedLoss: settled.socializedLoss,
            closedSize: parts.size, closedNotional: settled.notional, surplus: settled.surplus, fee: settled.fee, bounty: settled.bounty,
            deficitPaid: settled.deficitPaid, deficitDeleveraged: settled.deficitDeleveraged, fundBefore: fundBefore, fundAfter: fundAfter,
            events: events)
    }
}
