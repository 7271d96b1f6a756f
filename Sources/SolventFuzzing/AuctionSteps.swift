import SolventCore
import SolventCrypto

/// The collateral auction transactions (contracts-spec/collateral-auctions.md, kinds 56 to 59),
/// aimed mostly at what the state holds: running auctions and vaults that owe USDC against their
/// collateral, with amounts and prices near the lot, the tab, the current price, the rules' limits
/// and the type bounds. The starting chain has one auction running and vaults that may be
/// auctioned (StartingChain.swift).
extension FuzzChain {
    mutating func auctionStep(_ sender: Int, _ input: inout FuzzInput) throws(TransactionFuzzer.Violation) {
        switch input.u8() % 8 {
        case 0, 1:
            let target = auctionTarget(&input)
            try submit(sender, .auctionStart(owner: target.owner, vault: target.number, asset: auctionAsset(of: target, &input),
                                             keeperVault: ownVault(&input)))
        case 2, 3, 4:
            try auctionTake(sender, &input)
        case 5, 6:
            let (target, asset) = runningAuction(&input)
            try submit(sender, .auctionRedo(owner: target.owner, vault: target.number, asset: asset))
        default:
            try auctionConfig(&input)
        }
    }

    /// A take of the lot, part of it, what covers the tab, or any amount, with a limit around the
    /// price the next block would pay, the curve's top or the oracle price.
    mutating func auctionTake(_ sender: Int, _ input: inout FuzzInput) throws(TransactionFuzzer.Violation) {
        let (target, assetID) = runningAuction(&input)
        var amounts = [UInt128](), prices = [UInt64]()
        if let auction = check.auction(target, assetID), let asset = check.asset(assetID) {
            let time = nextContext.timeMs
            let now = CollateralAuction.price(top: auction.top, elapsedMs: time - min(time, auction.curveStartMs),
                                              settings: check.auctionSettings())
            let quote = check.vault(target)?.quote ?? 0
            // A debt below 2^127 plus an incentive below 2^96 fits.
            let tab = (quote < 0 ? quote.magnitude : 0) + auction.incentiveDue
            amounts = [auction.lot, auction.lot / 2, 1]
            if let covering = try? CollateralAuction.amountCovering(tab, price: now, decimals: asset.decimals) { amounts.append(covering) }
            prices = [now, auction.top]
            if let market = asset.oracleMarket, let oracle = check.oracleMarket(market), oracle.hasPrice { prices.append(oracle.price) }
        }
        let amount = input.near(amounts, unit: 1_000_000)
        let maxPrice = input.near(prices, unit: 100_000_000)
        try submit(sender, .auctionTake(owner: target.owner, vault: target.number, asset: assetID, amount: amount, maxPrice: maxPrice,
                                        takerVault: ownVault(&input)))
    }

    /// The admin replacing the parameters, one to three of them moved to a limit of its rule, one
    /// past it, or an interesting value (AuctionSettings.validate).
    mutating func auctionConfig(_ input: inout FuzzInput) throws(TransactionFuzzer.Violation) {
        var s = check.auctionSettings()
        for _ in 0...input.pick(3) {
            switch input.u8() % 8 {
            case 0: s.bufPpm = input.near([1_000_000, 1_100_000, 10_000_000])
            case 1: s.cutPpm = input.near([1, 990_000, 999_999])
            case 2: s.stepSeconds = input.near([1, 30, s.tailSeconds])
            case 3: s.cuspPpm = input.near([1, 600_000, 999_999])
            case 4: s.tailSeconds = input.near([s.stepSeconds, s.stepSeconds &* AuctionSettings.maxSteps])
            case 5: s.tip = input.near([0, s.maxIncentive], unit: 1_000_000)
            case 6: s.chipPpm = input.near([0, 1_000, 100_000])
            // 2^96 quantums: the largest amount a parameter may be (limits.md).
            default: s.maxIncentive = input.near([s.tip, 1 << 96], unit: 1_000_000)
            }
        }
        try submit(adminIndex, .auctionSetConfig(s))
    }

    /// Mostly a running auction, else a vault and asset chosen as for a start.
    func runningAuction(_ input: inout FuzzInput) -> (VaultID, AssetID) {
        let running = check.allAuctions()
        if !running.isEmpty, input.u8() % 4 != 0 {
            let auction = running[input.pick(running.count)]
            return (auction.vault, auction.asset)
        }
        let target = auctionTarget(&input)
        return (target, auctionAsset(of: target, &input))
    }

    /// Mostly a vault that owes USDC and holds collateral (whether or not it may be auctioned:
    /// with positions, never liquidated, already auctioned), sometimes any vault, sometimes a
    /// vault that does not exist.
    func auctionTarget(_ input: inout FuzzInput) -> VaultID {
        let vaults = check.entries(.vaults, prefix: []).compactMap { VaultID(key: $0.key) }
        let choice = input.u8() % 8
        if choice == 0 || vaults.isEmpty {
            // An account of the chain, or 32 bytes of the input (zeros past its end).
            let raw = (input.bytes(32) + [UInt8](repeating: 0, count: 32)).prefix(32)
            let owner = input.bool() ? keys[input.pick(keys.count)] : Address(Bytes32(raw) ?? .zero)
            return VaultID(owner: owner, number: UInt32(truncatingIfNeeded: input.interesting(UInt64.self)))
        }
        let owing = vaults.filter { id in
            guard let v = check.vault(id) else { return false }
            return v.quote < 0 && !v.collateral.isEmpty
        }
        let pool = choice < 3 || owing.isEmpty ? vaults : owing
        return pool[input.pick(pool.count)]
    }

    /// Mostly an asset the vault holds, else USDC, BTC, ETH or the next id, else any id.
    func auctionAsset(of vault: VaultID, _ input: inout FuzzInput) -> AssetID {
        switch input.u8() % 8 {
        case 0: return AssetID(truncatingIfNeeded: input.interesting(UInt64.self))
        case 1, 2: return AssetID(input.u8() % 4)
        default:
            let held = check.vault(vault)?.collateral.entries.map(\.asset) ?? []
            return held.isEmpty ? AssetID(input.u8() % 3) : held[input.pick(held.count)]
        }
    }

    /// The sender's vault for the incentive or the collateral bought: mostly 0 to 2, sometimes any number.
    func ownVault(_ input: inout FuzzInput) -> UInt32 {
        input.u8() % 8 == 0 ? UInt32(truncatingIfNeeded: input.interesting(UInt64.self)) : UInt32(input.u8() % 3)
    }
}
