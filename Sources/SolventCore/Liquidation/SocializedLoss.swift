/// The last resort of a liquidation (contracts-spec/insurance-and-adl.md, "Socialized loss"):
/// when the book, the keeper's backstop (as far as the insurance fund pays) and auto-deleveraging
/// have left part of a bankrupt position open, every position on the other side of the market
/// takes over a part of it in proportion to its size, at the oracle price, and the deficit that is
/// left after the fund has paid what it has is shared among them in the same proportion, to the
/// quantum. The bankrupt vault is closed in the same block; a vault without a position on the other
/// side never shares in the loss.
enum SocializedLoss {
    struct Share {
        let vault: VaultID
        let size: UInt64
    }

    /// Splits `size` (whole steps) among `holders` in proportion to what each holds: each gets
    /// ⌊size × held / total / step⌋ steps, then the steps left over go one by one to the largest
    /// remainders (ties in vault key order), never beyond what a holder holds.
    static func split(_ size: UInt64, among holders: [(vault: VaultID, held: UInt64)], step: UInt64) -> [Share] {
        let total = holders.reduce(UInt128(0)) { $0 + UInt128($1.held) }
        guard total > 0, size > 0 else { return [] }
        let steps = UInt128(size / step)
        var parts = holders.map { h -> (vault: VaultID, steps: UInt128, remainder: UInt128, cap: UInt128) in
            let exact = steps * UInt128(h.held)
            return (h.vault, exact / total, exact % total, UInt128(h.held / step))
        }
        var left = steps - parts.reduce(UInt128(0)) { $0 + $1.steps }
        let order = parts.indices.sorted { a, b in
            parts[a].remainder != parts[b].remainder ? parts[a].remainder > parts[b].remainder : parts[a].vault < parts[b].vault
        }
        // Each holder's floor is within its cap; a second pass covers holders whose cap stopped the first.
        for _ in 0..<2 where left > 0 {
            for i in order where left > 0 && parts[i].steps < parts[i].cap {
                parts[i].steps += 1
                left -= 1
            }
        }
        return parts.filter { $0.steps > 0 }.map { Share(vault: $0.vault, size: UInt64($0.steps) * step) }
    }

    /// Closes `size` of `bankrupt`'s position (it trades on `closing`) against every position on the
    /// other side at the oracle `price`, in proportion; returns the shares and the quote amount.
    static func close(bankrupt: VaultID, closing: Side, size: UInt64, price: UInt64, market: inout PerpMarket,
                      state: StateOverlay, events: inout [Event]) throws(ProtocolError) -> (shares: [Share], quote: UInt128) {
        let long = closing == .buy   // the bankrupt vault sells: the other side is the shorts
        var holders = [(vault: VaultID, held: UInt64)]()
        for vault in MarketPositions.vaults(market: market.id, long: long, state: state) where vault != bankrupt {
            let held = state.position(vault, market.id)?.size ?? 0
            if held != 0, (held > 0) == long { holders.append((vault, UInt64(held.magnitude))) }
        }
        let shares = split(size, among: holders, step: market.params.stepSize)
        var quote: UInt128 = 0
        for s in shares {
            let q = UInt128(s.size) * UInt128(price) / PerpUnits.notionalDivisor
            _ = try Fills.apply(vault: bankrupt, side: closing, size: s.size, price: price, quote: q, feePpm: 0, market: &market, state: state)
            _ = try Fills.apply(vault: s.vault, side: closing.opposite, size: s.size, price: price, quote: q, feePpm: 0, market: &market, state: state)
            quote = try quote.adding(q)
        }
        return (shares, quote)
    }

    /// Charges `deficit` (possibly 0) to the holders of `shares` in proportion to their sizes, to
    /// the quantum (largest remainders, ties in vault key order), credits it to the bankrupt vault,
    /// and emits one `socialized_loss` event per holder.
    static func charge(_ deficit: UInt128, shares: [Share], bankrupt: VaultID, market: PerpMarket, price: UInt64,
                       state: StateOverlay, events: inout [Event]) throws(ProtocolError) {
        let total = shares.reduce(UInt128(0)) { $0 + UInt128($1.size) }
        guard total > 0 else { return }
        var losses = [UInt128]()
        var remainders = [UInt128]()
        for s in shares {
            let (high, low) = deficit.fullWidthProduct(UInt128(s.size))
            guard high < total else { throw .overflow }
            let (q, r) = total.fullWidthQuotient((high, low))
            losses.append(q)
            remainders.append(r)
        }
        var left = deficit - losses.reduce(0, +)
        for i in shares.indices.sorted(by: { a, b in
            remainders[a] != remainders[b] ? remainders[a] > remainders[b] : shares[a].vault < shares[b].vault
        }) where left > 0 {
            losses[i] += 1
            left -= 1
        }
        for (s, loss) in zip(shares, losses) {
            guard var v = state.vault(s.vault) else { throw ProtocolError(.vaultNotFound, "vault \(s.vault) does not exist") }
            v.quote = try v.quote.subtracting(Int128(checked: loss))
            state.putVault(s.vault, v)
            events.append(Event("socialized_loss", [
                ("market", .text(market.params.symbol)), ("bankrupt_vault", .vault(bankrupt)), ("vault", .vault(s.vault)),
                ("size", .size(Int64(s.size))), ("price", .price(price)),
                ("loss", .quote(Int128(loss))),
            ]))
        }
        guard deficit > 0 else { return }
        guard var b = state.vault(bankrupt) else { throw ProtocolError(.vaultNotFound, "vault \(bankrupt) does not exist") }
        b.quote = try b.quote.adding(Int128(checked: deficit))
        state.putVault(bankrupt, b)
    }
}
