import SolventCore
import SolventStore
import SolventWire

/// `GET /v1/auctions` (collateral-auctions.md, "Queries"): the running auctions with the price a
/// take would pay at `atMs` (the next block's time), and the vaults whose collateral may be
/// auctioned now.
enum AuctionReadModel {
    static func auctions(state: some StateReader, head: ChainHead, atMs: UInt64, limit: Int, scanAllVaults: Bool,
                         assets: AssetBook) -> AuctionsReply {
        let settings = state.auctionSettings()
        let running = state.allAuctions()
        return AuctionsReply(
            height: head.height, blockTime: UTCTime.rfc3339(head.timeMs), priceTime: UTCTime.rfc3339(atMs),
            settings: AuctionConfigReply(settings), count: running.count,
            auctions: running.prefix(limit).map { auction($0, state: state, settings: settings, atMs: atMs, assets: assets) },
            candidates: candidates(state: state, atMs: atMs, limit: limit, scanAllVaults: scanAllVaults, assets: assets))
    }

    static func auction(_ a: Auction, state: some StateReader, settings: AuctionSettings, atMs: UInt64, assets: AssetBook) -> AuctionReply {
        func usdc(_ v: UInt128) -> String { Amount.format(v, decimals: 6) }
        let asset = state.asset(a.asset)
        let quote = state.vault(a.vault)?.quote ?? 0
        let debt: UInt128 = quote < 0 ? quote.magnitude : 0
        let elapsed = atMs - min(atMs, a.curveStartMs)
        let p = CollateralAuction.price(top: a.top, elapsedMs: elapsed, settings: settings)
        // What the auction's top started from: a yield asset's rate-derived price, or the oracle's.
        let oracle = asset.flatMap { asset in
            state.yieldAssets().entry(of: asset.id).flatMap { try? $0.price(at: atMs) }
                ?? asset.oracleMarket.flatMap { state.oracleMarket($0) }.flatMap { $0.hasPrice ? $0.price : nil }
        }
        return AuctionReply(
            owner: a.vault.owner.text, vault: a.vault.number, asset: assets.symbol(a.asset), lot: assets.format(a.lot, a.asset),
            debt: usdc(debt), incentiveDue: usdc(a.incentiveDue), tab: usdc(debt.addingReportingOverflow(a.incentiveDue).partialValue),
            debtAtStart: usdc(a.debtAtStart), starter: a.starter.owner.text, starterVault: a.starter.number,
            top: OraclePrice.format(a.top), price: OraclePrice.format(p), oraclePrice: oracle.map(OraclePrice.format),
            priceToOraclePpm: oracle.flatMap { o in o > 0 ? UInt64(clamping: UInt128(p) * 1_000_000 / UInt128(o)) : nil },
            lotCost: asset.flatMap { try? CollateralAuction.cost(a.lot, price: p, decimals: $0.decimals) }.map(usdc),
            stale: CollateralAuction.isStale(top: a.top, price: p, elapsedMs: elapsed, settings: settings),
            startedHeight: a.startedHeight, startedAt: UTCTime.rfc3339(a.startedMs), curveStartedAt: UTCTime.rfc3339(a.curveStartMs),
            elapsedSeconds: elapsed / 1_000, redos: a.redos, sold: assets.format(a.sold, a.asset), raised: usdc(a.raised))
    }

    /// Candidates: every vault ever liquidated (table liquidation_marks), and with
    /// `scanAllVaults` every vault that owes USDC (a scan of all vaults, for underwater vaults
    /// never liquidated).
    static func candidates(state: some StateReader, atMs: UInt64, limit: Int, scanAllVaults: Bool, assets: AssetBook) -> [AuctionCandidateReply] {
        var seen = Set<VaultID>(), candidates = [AuctionCandidateReply]()
        func consider(_ id: VaultID) {
            guard candidates.count < limit, seen.insert(id).inserted, let vault = state.vault(id), vault.quote < 0 else { return }
            for entry in vault.collateral.entries {
                guard let reason = try? CollateralAuction.eligibility(vault: id, asset: entry.asset, state: state, at: atMs) else { continue }
                candidates.append(AuctionCandidateReply(
                    owner: id.owner.text, vault: id.number, asset: assets.symbol(entry.asset), amount: assets.format(entry.amount, entry.asset),
                    debt: Amount.format(vault.quote.magnitude, decimals: 6), reason: reason.rawValue))
                if candidates.count >= limit { return }
            }
        }
        state.scan(.liquidationMarks, prefix: [], from: nil) { key, _ in
            if let id = VaultID(key: key) { consider(id) }
            return candidates.count < limit
        }
        if scanAllVaults {
            state.scan(.vaults, prefix: [], from: nil) { key, _ in
                if let id = VaultID(key: key) { consider(id) }
                return candidates.count < limit
            }
        }
        return candidates
    }
}
