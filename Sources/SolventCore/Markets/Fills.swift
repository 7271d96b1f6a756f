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
    /// funding pool); the caller stores it.
    static func apply(vault vaultID: VaultID, side: Side, size: UInt64, price: UInt64, quote: UInt128, feePpm: UInt32,
                      market: inout PerpMarket, state: StateOverlay) throws(ProtocolError) -> Result {
        guard var vault = state.vault(vaultID) else { throw ProtocolError(.vaultNotFound, "vault \(vaultID) does not exist") }
        var position = state.position(vaultID, market.id) ?? Position(fundingIndex: market.fundingIndex)
        Funding.settle(&position, vault: &vault, market: &market)

        let old = position.size
        let delta = Int64(size) * side.sign
        let (new, overflow) = old.addingReportingOverflow(delta)
        guard !overflow, new != Int64.min else {
            throw ProtocolError(.positionTooLarge, "the position in \(market.params.symbol) would exceed the largest size")
        }
        var realized: Int128 = 0
        if old == 0 || (old > 0) == (delta > 0) {
            // Opening or adding: the cost basis grows by what was paid (signed like the size).
            position.costBasis += side == .buy ? Int128(quote) : -Int128(quote)
        } else {
            // Reducing, closing or flipping: the closed part releases its share of the cost basis
            // (rounded toward zero) and realizes the difference with what it traded for.
            let closed = min(UInt64(delta.magnitude), UInt64(old.magnitude))
            let released = FixedPoint.mulDiv(position.costBasis, Int128(closed), Int128(old.magnitude), old > 0 ? .down : .up) ?? position.costBasis
            let closedQuote = Int128(UInt128(closed) * UInt128(price) / PerpUnits.notionalDivisor)
            realized = (old > 0 ? closedQuote : -closedQuote) - released
            position.costBasis -= released
            if delta.magnitude > old.magnitude {
                let opened = UInt128(delta.magnitude - old.magnitude) * UInt128(price) / PerpUnits.notionalDivisor
                position.costBasis = side == .buy ? Int128(opened) : -Int128(opened)
            }
            if new == 0 { position.costBasis = 0 }
        }
        position.realizedPnl += realized
        position.size = new

        let fee = Self.fee(quote, ppm: feePpm)
        vault.quote += (side == .buy ? -Int128(quote) : Int128(quote)) - Int128(fee)
        collect(fee, state: state)

        market.openInterest = market.openInterest - UInt64(max(old, 0)) + UInt64(max(new, 0))
        state.putVault(vaultID, vault)
        state.putPosition(vaultID, market.id, position)
        return Result(fee: fee, realizedPnl: realized, position: position)
    }

    /// A fee goes to the insurance fund (its share, rounded down) and to the fee pool (the rest).
    static func collect(_ fee: UInt128, state: StateOverlay) {
        guard fee > 0 else { return }
        let toInsurance = fee * UInt128(state.insuranceFeeSharePpm()) / 1_000_000
        InsuranceFund.receiveTradingFee(toInsurance, state: state)
        state.setFeePool(state.feePool() + fee - toInsurance)
    }
}
