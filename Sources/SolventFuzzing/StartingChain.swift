import SolventCore

// The devnet's markets and assets the starting chain trades in, and its units.
private let btcPerp: UInt32 = 1, ethPerp: UInt32 = 2, solPerp: UInt32 = 3, btcFuture: UInt32 = 4
private let call: UInt32 = 6, put: UInt32 = 7, ethCall: UInt32 = 10
private let usdcAsset: AssetID = 0, btc: AssetID = 1, eth: AssetID = 2
private let oneBTC: UInt128 = 100_000_000, oneETH: UInt128 = 1_000_000_000_000_000_000

private func usdc(_ whole: UInt128) -> UInt128 { whole * 1_000_000 }
/// 0.01 unit = 10^6 size units.
private func size(_ hundredths: UInt64) -> UInt64 { hundredths * 1_000_000 }
private func price(_ dollars: UInt64) -> UInt64 { dollars * 100_000_000 }

private func limit(_ vault: UInt32, _ market: UInt32, _ side: Side, _ hundredths: UInt64, _ dollars: UInt64) -> TxAction {
    .orderPlace(OrderRequest(vault: vault, market: market, side: side, kind: .limit, timeInForce: .goodTillCancelled,
                             reduceOnly: false, size: size(hundredths), price: price(dollars)))
}

private func marketOrder(_ vault: UInt32, _ market: UInt32, _ side: Side, _ hundredths: UInt64, worst dollars: UInt64) -> TxAction {
    .orderPlace(OrderRequest(vault: vault, market: market, side: side, kind: .market, timeInForce: .immediateOrCancel,
                             reduceOnly: false, size: size(hundredths), price: price(dollars)))
}

extension FuzzChain {
    /// Builds the state every input starts from, one block per step, checking conservation:
    /// prices for every oracle market; deposits (USDC, BTC and ETH collateral); a market maker's
    /// book in the perpetuals, the future and the options; longs whose quote goes negative, a
    /// short (the position an order near the size bound once overflowed against), a leveraged
    /// long near maintenance, a portfolio vault with options and a hedge, an isolated vault; then
    /// what the collateral auctions and the socialized loss need (`liquidatedVaults`).
    mutating func runSetup() throws(TransactionFuzzer.Violation) {
        let prices: [(UInt32, UInt64)] = [(1, price(60_000)), (2, price(3_000)), (3, price(150)), (4, 60_000_000), (5, 70_000_000)]
        try setupBlock(prices.map { (adminIndex, .oracleOverride(market: $0.0, price: $0.1)) })
        try setupBlock((0..<10).map { ($0, .deposit(vault: 0, asset: usdcAsset, amount: usdc(100_000))) }
            + [(2, .deposit(vault: 0, asset: btc, amount: 5 * oneBTC)),
               (8, .deposit(vault: 0, asset: eth, amount: 10 * oneETH)),
               (10, .deposit(vault: 0, asset: usdcAsset, amount: usdc(1_000_000_000_000_000_000))),
               (11, .deposit(vault: 0, asset: usdcAsset, amount: usdc(1_000_000_000_000_000_000)))])
        try setupBlock([(3, .vaultOpen(vault: 1, mode: .portfolio)), (4, .vaultOpen(vault: 1, mode: .isolated(market: btcPerp)))])
        try setupBlock([(3, .deposit(vault: 1, asset: usdcAsset, amount: usdc(200_000))),
                        (4, .deposit(vault: 1, asset: usdcAsset, amount: usdc(20_000)))])
        // The maker's book: both sides of each market, several levels.
        var book = [(Int, TxAction)]()
        for level: UInt64 in 0..<4 {
            book.append((1, limit(0, btcPerp, .sell, 50, 60_010 + level * 10)))
            book.append((1, limit(0, btcPerp, .buy, 50, 59_990 - level * 10)))
            book.append((1, limit(0, ethPerp, .sell, 500, 3_001 + level)))
            book.append((1, limit(0, ethPerp, .buy, 500, 2_999 - level)))
            book.append((10, limit(0, btcFuture, .sell, 100, 61_000 + level * 10)))
            book.append((10, limit(0, btcFuture, .buy, 100, 60_000 - level * 10)))
            book.append((10, limit(0, call, .sell, 100, 17_000 + level * 100)))
            book.append((10, limit(0, call, .buy, 100, 14_000 - level * 100)))
            book.append((10, limit(0, put, .sell, 100, 14_000 + level * 100)))
            book.append((10, limit(0, ethCall, .sell, 1_000, 900 + level * 10)))
        }
        book.append((10, limit(0, btcPerp, .sell, 2_000, 60_100)))
        try setupBlock(book)
        // The whales: the second rests a bid of 10^9 BTC far below the market, and holds a short
        // of 10^6 BTC against the first.
        try setupBlock([(11, limit(0, btcPerp, .buy, 100_000_000_000, 1_000)),
                        (11, limit(0, btcPerp, .sell, 100_000_000, 70_000))])
        try setupBlock([(10, marketOrder(0, btcPerp, .buy, 100_000_000, worst: 70_000))])
        try setupBlock([
            // Longs bought on margin: their quotes go below zero.
            (0, marketOrder(0, btcPerp, .buy, 250, worst: 61_000)),
            (6, marketOrder(0, btcPerp, .buy, 150, worst: 61_000)),
            // A short, and a long in ETH.
            (5, marketOrder(0, btcPerp, .sell, 100, worst: 59_000)),
            (7, marketOrder(0, ethPerp, .buy, 2_000, worst: 3_100)),
            // Options and a future in the portfolio vault, hedged with a perpetual.
            (3, marketOrder(1, call, .buy, 200, worst: 18_000)),
            (3, marketOrder(1, put, .buy, 100, worst: 15_000)),
            (3, marketOrder(1, btcFuture, .buy, 100, worst: 62_000)),
            (3, marketOrder(1, btcPerp, .sell, 100, worst: 59_000)),
            (3, marketOrder(1, ethCall, .buy, 1_000, worst: 1_000)),
            // A short call from a cross vault, and the isolated long.
            (9, limit(0, call, .sell, 50, 14_000)),
            // The isolated vault 13x long: an 8% fall makes it bankrupt, and with the insurance fund
            // nearly empty its liquidation ends in auto-deleveraging.
            (4, marketOrder(1, btcPerp, .buy, 450, worst: 61_000)),
        ])
        try liquidatedVaults()
        // Every price again, so that inputs have the same minute of fresh prices as before the
        // blocks above; SOL where `liquidatedVaults` leaves it.
        let final = prices.map { $0.0 == 3 ? ($0.0, price(130)) : $0 }
        try setupBlock(final.map { (adminIndex, .oracleOverride(market: $0.0, price: $0.1)) })
        try checkLiquidatedVaults()
    }

    /// What the collateral auctions and the socialized loss need, in SOL-PERP, whose oracle moves no
    /// collateral and no other market (collateral-auctions.md, insurance-and-adl.md "Socialized loss"):
    ///
    /// * at SOL 100, dev1's vault 1 (B) buys from four shorts: dev2's vault 1 (1 BTC, 1,200 SOL),
    ///   dev8's vault 1 (10 ETH and 0.1 BTC, 700 SOL), dev8's vault 2 (10 ETH, 10 SOL, which then
    ///   borrows 20,000 USDC against its ETH) and dev6's vault 1 (S, 60,000 USDC, 1,100 SOL);
    /// * at 150 the first two are bankrupt and liquidated; the fund is nearly empty, so B, the only
    ///   long in profit, takes them over by auto-deleveraging. Both end with no position, a negative
    ///   quote and their collateral: liquidated, each may be auctioned. dev9 starts the auction of
    ///   dev2's BTC, so one is running; dev8's vault 1 is left for `auction_start`;
    /// * dev8's vault 2 closes its short itself: it owes 20,500 USDC against 10 ETH and was never
    ///   liquidated, so it may be auctioned only once ETH falls by a fifth (`underwater`);
    /// * B sells what it has left at 150 to dev7's vault 1 (L, 16,000 USDC, 1,000 SOL long) and
    ///   dev0's vault 1 (K, 240 USDC, 10 SOL long), and SOL ends at 130 (`runSetup`). L is bankrupt,
    ///   and the shorts on the other side are S, who sold at 100 and is not in profit, and the
    ///   keeper's backstop of the first liquidation, if the fund paid one. Auto-deleveraging can
    ///   take only the latter: a liquidation of L ends in a socialized loss that S shares. K is
    ///   liquidatable with equity left, above the keeper's discount, and SOL has no bids: the
    ///   keeper's backstop takes it over even with the fund empty.
    mutating func liquidatedVaults() throws(TransactionFuzzer.Violation) {
        try setupBlock([(adminIndex, .oracleOverride(market: 3, price: price(100))),
                        (2, .deposit(vault: 1, asset: btc, amount: oneBTC)),
                        (8, .deposit(vault: 1, asset: eth, amount: 10 * oneETH)),
                        (8, .deposit(vault: 1, asset: btc, amount: oneBTC / 10)),
                        (8, .deposit(vault: 2, asset: eth, amount: 10 * oneETH)),
                        (6, .deposit(vault: 1, asset: usdcAsset, amount: usdc(60_000))),
                        (7, .deposit(vault: 1, asset: usdcAsset, amount: usdc(16_000))),
                        (0, .deposit(vault: 1, asset: usdcAsset, amount: usdc(240))),
                        (1, .deposit(vault: 1, asset: usdcAsset, amount: usdc(200_000)))])
        try setupBlock([(1, limit(1, solPerp, .buy, 301_000, 100)),
                        (2, marketOrder(1, solPerp, .sell, 120_000, worst: 100)),
                        (8, marketOrder(1, solPerp, .sell, 70_000, worst: 100)),
                        (8, marketOrder(2, solPerp, .sell, 1_000, worst: 100)),
                        (6, marketOrder(1, solPerp, .sell, 110_000, worst: 100))])
        try setupBlock([(8, .withdraw(vault: 2, asset: usdcAsset, amount: usdc(20_000))),
                        (adminIndex, .oracleOverride(market: 3, price: price(150))),
                        (5, .liquidate(owner: keys[2], vault: 1, market: solPerp, keeperVault: 0)),
                        (5, .liquidate(owner: keys[8], vault: 1, market: solPerp, keeperVault: 0))])
        let left = committed.position(VaultID(owner: keys[1], number: 1), solPerp)?.size ?? 0
        guard left >= Int64(size(100_000 + 1_000 + 1_000)) else {
            throw .init(description: "setup: dev1's vault 1 holds \(left) SOL-PERP after the liquidations, not enough for dev7, dev8 and dev0")
        }
        try setupBlock([(1, .orderPlace(OrderRequest(vault: 1, market: solPerp, side: .sell, kind: .limit, timeInForce: .goodTillCancelled,
                                                     reduceOnly: true, size: UInt64(left), price: price(150)))),
                        (8, .orderPlace(OrderRequest(vault: 2, market: solPerp, side: .buy, kind: .market, timeInForce: .immediateOrCancel,
                                                     reduceOnly: true, size: size(1_000), price: price(150)))),
                        (7, marketOrder(1, solPerp, .buy, 100_000, worst: 150)),
                        (0, marketOrder(1, solPerp, .buy, 1_000, worst: 150)),
                        (9, .auctionStart(owner: keys[2], vault: 1, asset: btc, keeperVault: 0))])
        try setupBlock([(1, .orderCancelAll(vault: 1, market: solPerp))])
    }

    /// The starting chain holds what `liquidatedVaults` says: a change in the core that moved any of
    /// it would otherwise leave the fuzzer short of a mechanism without a word.
    func checkLiquidatedVaults() throws(TransactionFuzzer.Violation) {
        let running = VaultID(owner: keys[2], number: 1), candidate = VaultID(owner: keys[8], number: 1)
        let borrower = VaultID(owner: keys[8], number: 2), bankrupt = VaultID(owner: keys[7], number: 1)
        guard committed.auction(running, btc) != nil else {
            throw .init(description: "setup: no auction of dev2's vault 1 BTC is running")
        }
        guard (try? CollateralAuction.eligibility(vault: candidate, asset: eth, state: committed, at: timeMs)) == .liquidated else {
            throw .init(description: "setup: dev8's vault 1 may not be auctioned")
        }
        guard committed.positions(of: borrower).isEmpty, let v = committed.vault(borrower), v.quote < 0 else {
            throw .init(description: "setup: dev8's vault 2 does not owe USDC without a position")
        }
        guard let risk = try? Margin.risk(of: bankrupt, state: committed, at: timeMs, prices: .freshOnly), risk.equity < 0,
              let held = risk.positions.first?.size else {
            throw .init(description: "setup: dev7's vault 1 is not bankrupt")
        }
        let thin = VaultID(owner: keys[0], number: 1)
        guard let k = try? Margin.risk(of: thin, state: committed, at: timeMs, prices: .freshOnly), k.isLiquidatable, k.equity > 0 else {
            throw .init(description: "setup: dev0's vault 1 is not liquidatable with equity left")
        }
        let deleveragable = AutoDeleveraging.ranking(market: solPerp, long: false, state: committed, at: timeMs)
            .filter(\.eligible).reduce(Int64(0)) { $0 + Int64($1.size.magnitude) }
        guard deleveragable < held else {
            throw .init(description: "setup: the SOL-PERP shorts in profit (\(deleveragable)) can take over dev7's \(held): no socialized loss")
        }
    }

    /// Executes `txs` in one block. Each must be admitted and succeed: the starting chain is what
    /// the comments above say, or the fuzzer does not start.
    private mutating func setupBlock(_ txs: [(Int, TxAction)]) throws(TransactionFuzzer.Violation) {
        var refused = [String]()
        observe = .init(receipt: { r in if let code = r.code { refused.append("\(code.name): \(r.message)") } }, blockEvents: { _ in })
        for (sender, action) in txs { try submit(sender, action) }
        let admitted = pending.count
        try commitBlock(advanceMs: 1_000)
        observe = nil
        guard admitted == txs.count, refused.isEmpty else {
            throw .init(description: "setup: block \(height): \(txs.count - admitted) of \(txs.count) transactions refused at admission; refusals: \(refused)")
        }
    }
}
