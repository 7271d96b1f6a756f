import SolventCore

extension FuzzChain {
    /// Builds the state every input starts from, one block per step, checking conservation:
    /// prices for every oracle market; deposits (USDC, BTC and ETH collateral); a market maker's
    /// book in the perpetuals, the future and the options; longs whose quote goes negative, a
    /// short (the position an order near the size bound once overflowed against), a leveraged
    /// long near maintenance, a portfolio vault with options and a hedge, an isolated vault.
    mutating func runSetup() throws(TransactionFuzzer.Violation) {
        let btcPerp: UInt32 = 1, ethPerp: UInt32 = 2, btcFuture: UInt32 = 4, call: UInt32 = 6, put: UInt32 = 7, ethCall: UInt32 = 10
        func usdc(_ whole: UInt128) -> UInt128 { whole * 1_000_000 }
        func size(_ hundredths: UInt64) -> UInt64 { hundredths * 1_000_000 }   // 0.01 unit = 10^6 size units
        func price(_ dollars: UInt64) -> UInt64 { dollars * 100_000_000 }
        func limit(_ vault: UInt32, _ market: UInt32, _ side: Side, _ hundredths: UInt64, _ dollars: UInt64) -> TxAction {
            .orderPlace(OrderRequest(vault: vault, market: market, side: side, kind: .limit, timeInForce: .goodTillCancelled,
                                     reduceOnly: false, size: size(hundredths), price: price(dollars)))
        }
        func marketOrder(_ vault: UInt32, _ market: UInt32, _ side: Side, _ hundredths: UInt64, worst dollars: UInt64) -> TxAction {
            .orderPlace(OrderRequest(vault: vault, market: market, side: side, kind: .market, timeInForce: .immediateOrCancel,
                                     reduceOnly: false, size: size(hundredths), price: price(dollars)))
        }
        func block(_ txs: [(Int, TxAction)]) throws(TransactionFuzzer.Violation) {
            var refused = [String]()
            observe = .init(receipt: { refused.append("\($0.code?.name ?? "ok"): \($0.message)") }, blockEvents: { _ in })
            for (sender, action) in txs { try submit(sender, action) }
            observe = nil
            guard pending.count == txs.count else {
                throw .init(description: "setup: \(txs.count - pending.count) of \(txs.count) transactions refused at admission: \(refused)")
            }
            try commitBlock(advanceMs: 1_000)
        }
        let prices: [(UInt32, UInt64)] = [(1, price(60_000)), (2, price(3_000)), (3, price(150)), (4, 60_000_000), (5, 70_000_000)]
        try block(prices.map { (adminIndex, .oracleOverride(market: $0.0, price: $0.1)) })
        try block((0..<10).map { ($0, .deposit(vault: 0, asset: 0, amount: usdc(100_000))) }
            + [(2, .deposit(vault: 0, asset: 1, amount: 5 * 100_000_000)),
               (8, .deposit(vault: 0, asset: 2, amount: 10 * 1_000_000_000_000_000_000)),
               (10, .deposit(vault: 0, asset: 0, amount: usdc(1_000_000_000_000_000_000))),
               (11, .deposit(vault: 0, asset: 0, amount: usdc(1_000_000_000_000_000_000)))])
        try block([(3, .vaultOpen(vault: 1, mode: .portfolio)), (4, .vaultOpen(vault: 1, mode: .isolated(market: btcPerp)))])
        try block([(3, .deposit(vault: 1, asset: 0, amount: usdc(200_000))), (4, .deposit(vault: 1, asset: 0, amount: usdc(20_000)))])
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
        try block(book)
        // The whales: the second rests a bid of 10^9 BTC far below the market, and holds a short
        // of 10^6 BTC against the first.
        try block([(11, limit(0, btcPerp, .buy, 100_000_000_000, 1_000)),
                   (11, limit(0, btcPerp, .sell, 100_000_000, 70_000))])
        try block([(10, marketOrder(0, btcPerp, .buy, 100_000_000, worst: 70_000))])
        try block([
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
    }
}
