import SolventCore
import SolventCrypto

/// One step of an input: a transaction of each kind (the collateral auction ones in
/// AuctionSteps.swift, the admin's in AdminChanges.swift), a block, or the queries.
extension FuzzChain {
    mutating func step(_ input: inout FuzzInput) throws(TransactionFuzzer.Violation) {
        let sender = input.pick(keys.count)
        // Below 224 (14 × 16) each case keeps the bytes it had before the auctions existed, so that
        // the corpus keeps its meaning; the 32 values from 224 are the auction transactions.
        let choice = input.u8()
        if choice >= 224 {
            try auctionStep(sender, &input)
            return
        }
        switch choice % 14 {
        case 0:
            // Raw bytes after a valid header: the decoder and every kind's payload.
            let address = keys[sender]
            let nonce = check.account(address)?.nonce ?? 0
            var w = [UInt8(1), UInt8(chainId.utf8.count)] + Array(chainId.utf8) + address.key.bytes
            withUnsafeBytes(of: nonce.littleEndian) { w += $0 }
            let length = Int(input.u8()) + Int(input.u8() % 2) * 256
            submitBytes(w + input.bytes(length) + [UInt8](repeating: 0, count: 64))
        case 1, 2, 3:
            try submit(sender, .orderPlace(order(&input)))
        case 4:
            try submit(sender, .deposit(vault: UInt32(input.u8() % 4), asset: AssetID(input.u8() % 4), amount: input.interesting(UInt128.self, unit: 1_000_000)))
        case 5:
            // Half the time from a vault that exists, by its owner: vaults below zero among them.
            let vaults = committed.entries(.vaults, prefix: []).compactMap { VaultID(key: $0.key) }
            if input.bool(), !vaults.isEmpty {
                let v = vaults[input.pick(vaults.count)]
                if let owner = keys.firstIndex(of: v.owner) {
                    try submit(owner, .withdraw(vault: v.number, asset: AssetID(input.u8() % 3), amount: input.interesting(UInt128.self, unit: 1_000_000)))
                    return
                }
            }
            try submit(sender, .withdraw(vault: UInt32(input.u8() % 4), asset: AssetID(input.u8() % 4), amount: input.interesting(UInt128.self, unit: 1_000_000)))
        case 6:
            try submit(sender, .send(to: keys[input.pick(keys.count)], asset: AssetID(input.u8() % 4), amount: input.interesting(UInt128.self, unit: 1_000_000)))
        case 7:
            // Mostly an existing position (a keeper's guess is rarely that good by chance).
            let held = committed.entries(.positions, prefix: [])
            if !held.isEmpty, input.u8() % 4 != 0, let vault = VaultID(key: Array(held[input.pick(held.count)].key.prefix(36))) {
                let key = held.first { $0.key.starts(with: vault.key) }!.key
                let market = BigEndianKey.readU32(Array(key.suffix(4)))
                try submit(sender, .liquidate(owner: vault.owner, vault: vault.number, market: market, keeperVault: UInt32(input.u8() % 2)))
            } else {
                let owner = keys[input.pick(keys.count)]
                try submit(sender, .liquidate(owner: owner, vault: UInt32(input.u8() % 3), market: market(&input), keeperVault: UInt32(input.u8() % 3)))
            }
        case 8:
            // A price set directly (the devnet admin's override): mostly a move from the current
            // price (−50% to +77%, in 0.5% steps), sometimes any value.
            let oracle = oracleMarkets[input.pick(oracleMarkets.count)]
            var price = input.interesting(UInt64.self, unit: 100_000_000)
            if input.u8() % 4 != 0, let current = check.oracleMarket(oracle), current.hasPrice {
                let step = Int64(input.u8()) - 100
                price = RiskShock.movedPrice(current.price, ppm: step * 5_000)
            }
            try submit(adminIndex, .oracleOverride(market: oracle, price: price))
        case 9:
            try commitBlock(advanceMs: blockGap(&input))
        case 10:
            try submit(sender, .vaultOpen(vault: UInt32(input.u8() % 4), mode: [.cross, .portfolio, .isolated(market: market(&input))][input.pick(3)]))
        case 11:
            if input.bool() {
                try submit(sender, .orderCancel(orderID: UInt64(input.u8())))
            } else {
                try submit(sender, .orderCancelAll(vault: UInt32(input.u8() % 3), market: market(&input)))
            }
        case 12:
            try adminChange(&input)
        default:
            queries(&input)
        }
    }

    func market(_ input: inout FuzzInput) -> UInt32 {
        input.u8() % 8 == 0 ? UInt32(input.u8()) : markets[input.pick(markets.count)]
    }

    mutating func order(_ input: inout FuzzInput) -> OrderRequest {
        let market = market(&input)
        let params = check.perpMarket(market)?.params
        let side: Side = input.bool() ? .buy : .sell
        let kind: OrderRequest.Kind = input.u8() % 3 == 0 ? .market : .limit
        let tif = TimeInForce(rawValue: input.u8() % 3) ?? .goodTillCancelled
        let size = input.interesting(UInt64.self, unit: params?.stepSize ?? 1)
        // Around the oracle price most of the time, so orders meet the book.
        var price = input.interesting(UInt64.self, unit: params?.tickSize ?? 1)
        if let params, input.u8() % 4 != 0, let oracle = check.oracleMarket(params.oracleMarket), oracle.hasPrice {
            // Within ±12.8% of the oracle (of the underlying, for an option: a wide net), on the tick.
            let tick = max(params.tickSize, 1)
            let moved = RiskShock.movedPrice(oracle.price, ppm: (Int64(input.u8()) - 128) * 1_000)
            price = max(moved / tick, 1) &* tick
            if case .option = params.instrument { price = max(moved / 4 / tick, 1) &* tick }
        }
        return OrderRequest(vault: UInt32(input.u8() % 3), market: market, side: side, kind: kind,
                            timeInForce: kind == .market ? .immediateOrCancel : tif, reduceOnly: input.u8() % 5 == 0, size: size, price: price)
    }

    /// Mostly seconds to minutes (prices stay fresh for 60 s), sometimes an hour (funding), days
    /// to years (expiries, missed intervals) or anything.
    func blockGap(_ input: inout FuzzInput) -> UInt64 {
        switch input.u8() % 16 {
        case 0: return 1
        case 1: return 60_000
        case 2: return 3_600_000
        case 3: return UInt64(input.raw(UInt16.self)) * 3_600_000
        case 4: return input.interesting(UInt64.self)
        default: return UInt64(input.raw(UInt16.self))
        }
    }
}
