/// What a fill does to one side's vault (contracts-spec/markets.md, "Fills"): funding settles
/// first, then the position and the quote move, the fee is charged and split between the fee
/// pool and the insurance fund, and open interest follows the longs.
enum Fills {
    struct Result {
        let fee: UInt128
        let realizedPnl: Int128
        let position: Position
    }

    /// The fee on a fill's quote amount, rounded up.
    static func fee(_ quote: UInt128, ppm: UInt32) -> UInt128 {
        FixedPoint.mulDiv(quote, UInt128(ppm), 1_000_000, .up) ?? quote
    }

    /// Applies `size` bought or sold at `price` (quote amount `quote`, exact) to `vaultID`'s
    /// position in `market`, charging `feePpm`. `market` is updated in place (open interest,
    /// funding pool) only when the whole fill succeeds; the caller stores it. With
    /// `collectingFee` false the fee is charged to the vault but left for the caller to `collect`
    /// (a trade collects both sides' fees in one update of the fund and the pool).
    static func apply(vault vaultID: VaultID, side: Side, size: UInt64, price: UInt64, quote: UInt128, feePpm: UInt32,
                      market: inout PerpMarket, state: StateOverlay, collectingFee: Bool = true) throws(ProtocolError) -> Result {
        guard var vault = state.vault(vaultID) else { throw ProtocolError(.vaultNotFound, "vault \(vaultID) does not exist") }
        var m = market
        var position = state.position(vaultID, m.id) ?? Position(fundingIndex: m.fundingIndex)
        try Funding.settle(&position, vault: &vault, market: &m)

        let old = position.size
        let delta = try Int64(checked: size).multiplied(by: side.sign)
        let (new, overflow) = old.addingReportingOverflow(delta)
        // A fill may not take a position past the largest size (limits.md); one that shrinks it may.
        guard !overflow, new.magnitude <= Limits.maxSize || new.magnitude <= old.magnitude else {
            throw Limits.positionTooLarge(market: m.id)
        }
        let signedQuote = try Int128(checked: quote)
        var realized: Int128 = 0
        if old == 0 || (old > 0) == (delta > 0) {
            // Opening or adding: the cost basis grows by what was paid (signed like the size).
            position.costBasis = try position.costBasis.adding(side == .buy ? signedQuote : -signedQuote)
        } else {
            // Reducing, closing or flipping: the closed part releases its share of the cost basis
            // (rounded toward zero) and realizes the difference with what it traded for.
            let closed = min(UInt64(delta.magnitude), UInt64(old.magnitude))
            guard let released = FixedPoint.mulDiv(position.costBasis, Int128(closed), Int128(old.magnitude), old > 0 ? .down : .up) else {
                throw .overflow
            }
            // Sizes and prices are 64-bit: these products fit 128 bits.
            let closedQuote = Int128(UInt128(closed) * UInt128(price) / PerpUnits.notionalDivisor)
            realized = try (old > 0 ? closedQuote : -closedQuote).subtracting(released)
            position.costBasis = try position.costBasis.subtracting(released)
            if delta.magnitude > old.magnitude {
                let opened = Int128(UInt128(delta.magnitude - old.magnitude) * UInt128(price) / PerpUnits.notionalDivisor)
                position.costBasis = side == .buy ? opened : -opened
            }
            if new == 0 { position.costBasis = 0 }
        }
        position.realizedPnl = try position.realizedPnl.adding(realized)
        position.size = new

        let fee = Self.fee(quote, ppm: feePpm)
        vault.quote = try vault.quote.adding(side == .buy ? -signedQuote : signedQuote).subtracting(Int128(checked: fee))
        if collectingFee { try collect(fee, state: state) }

        m.openInterest = try (m.openInterest - UInt64(max(old, 0))).adding(UInt64(max(new, 0)))
        state.putVault(vaultID, vault)
        state.putPosition(vaultID, m.id, position)
        market = m
        return Result(fee: fee, realizedPnl: realized, position: position)
    }

    /// Each fee (one, or a trade's two) goes to the insurance fund (its share, rounded down fee by
    /// fee) and to the fee pool (the rest).
    static func collect(_ fee: UInt128, _ other: UInt128 = 0, state: StateOverlay) throws(ProtocolError) {
        guard fee > 0 || other > 0 else { return }
        let share = UInt128(min(state.insuranceFeeSharePpm(), 1_000_000))
        var toInsurance: UInt128 = 0, toPool: UInt128 = 0
        for f in [fee, other] where f > 0 {
            let part = FixedPoint.mulDiv(f, share, 1_000_000, .down) ?? 0
            toInsurance = try toInsurance.adding(part)
            toPool = try toPool.adding(f - part)
        }
        try InsuranceFund.receiveTradingFee(toInsurance, state: state)
        if toPool > 0 { state.setFeePool(try state.feePool().adding(toPool)) }
    }
}
