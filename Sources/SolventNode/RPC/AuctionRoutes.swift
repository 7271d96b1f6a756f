import Foundation
import Hummingbird
import SolventCore
import SolventCrypto
import SolventStore

/// Collateral auctions for keepers (contracts-spec/collateral-auctions.md, "Queries"): the running
/// auctions with the price a take would pay in the next block, and the vaults whose collateral
/// may be auctioned now.
struct AuctionRoutes: Sendable {
    let node: Node

    func register(on router: Router<RPCContext>) {
        router.get("/v1/auctions") { request, _ in
            let all = request.uri.queryParameters["all"].map { $0 == "true" || $0 == "1" } ?? false
            return try auctions(limit: try LiquidationRoutes.limit(request, default: 100), scanAllVaults: all)
        }
    }

    func auctions(limit: Int, scanAllVaults: Bool) throws -> Response {
        let context = node.nextBlockContext()
        return try node.store.withState { state, head in
            let settings = state.auctionSettings()
            let running = state.allAuctions()
            let views = running.prefix(limit).map { AuctionView($0, state: state, settings: settings, atMs: context.timeMs, assets: node.assets) }
            // Candidates: every vault ever liquidated (table liquidation_marks), and with all=true
            // every vault that owes USDC (a scan of all vaults, for underwater vaults never liquidated).
            var seen = Set<VaultID>(), candidates = [AuctionCandidateView]()
            func consider(_ id: VaultID) {
                guard candidates.count < limit, seen.insert(id).inserted, let vault = state.vault(id), vault.quote < 0 else { return }
                for entry in vault.collateral.entries {
                    guard let reason = try? CollateralAuction.eligibility(vault: id, asset: entry.asset, state: state, at: context.timeMs) else { continue }
                    candidates.append(AuctionCandidateView(vault: id, asset: node.assets.symbol(entry.asset),
                                                           amount: node.assets.format(entry.amount, entry.asset), debt: vault.quote.magnitude,
                                                           reason: reason.rawValue))
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
            return .json(AuctionsView(height: head.height, blockTime: Timestamps.rfc3339(head.timeMs), priceTime: Timestamps.rfc3339(context.timeMs),
                                      settings: AuctionConfigView(settings), count: running.count, auctions: views, candidates: candidates))
        }
    }
}

struct AuctionConfigView: Encodable {
    let bufPpm: UInt32
    let cutPpm: UInt32
    let stepSeconds: UInt32
    let cuspPpm: UInt32
    let tailSeconds: UInt32
    let tip: String
    let chipPpm: UInt32
    let maxIncentive: String

    enum CodingKeys: String, CodingKey {
        case bufPpm = "buf_ppm", cutPpm = "cut_ppm", stepSeconds = "step_seconds", cuspPpm = "cusp_ppm", tailSeconds = "tail_seconds"
        case tip, chipPpm = "chip_ppm", maxIncentive = "max_incentive"
    }

    init(_ s: AuctionSettings) {
        bufPpm = s.bufPpm
        cutPpm = s.cutPpm
        stepSeconds = s.stepSeconds
        cuspPpm = s.cuspPpm
        tailSeconds = s.tailSeconds
        tip = Amount.format(s.tip, decimals: 6)
        chipPpm = s.chipPpm
        maxIncentive = Amount.format(s.maxIncentive, decimals: 6)
    }
}

struct AuctionsView: Encodable {
    let height: UInt64
    let blockTime: String
    /// The time the prices are computed at: the next block's, as a take sent now would see it.
    let priceTime: String
    let settings: AuctionConfigView
    /// Running auctions in all (the list may be cut by `limit`).
    let count: Int
    let auctions: [AuctionView]
    let candidates: [AuctionCandidateView]
    enum CodingKeys: String, CodingKey {
        case height, blockTime = "block_time", priceTime = "price_time", settings, count, auctions, candidates
    }
}

struct AuctionView: Encodable {
    let owner: String
    let vault: UInt32
    let asset: String
    let lot: String
    /// The vault's debt now, max(0, −quote), and the incentive the proceeds still owe the starter.
    let debt: String
    let incentiveDue: String
    /// debt + incentive due: what the auction still has to raise.
    let tab: String
    let debtAtStart: String
    let starter: String
    let starterVault: UInt32
    let top: String
    let price: String
    /// The asset's latest oracle price (null before its first), and price ÷ oracle in ppm.
    let oraclePrice: String?
    let priceToOraclePpm: UInt64?
    /// What buying the whole lot would cost now (at most the tab's worth is sold).
    let lotCost: String?
    let stale: Bool
    let startedHeight: UInt64
    let startedAt: String
    let curveStartedAt: String
    let elapsedSeconds: UInt64
    let redos: UInt32
    let sold: String
    let raised: String

    enum CodingKeys: String, CodingKey {
        case owner, vault, asset, lot, debt, incentiveDue = "incentive_due", tab, debtAtStart = "debt_at_start", starter
        case starterVault = "starter_vault", top, price, oraclePrice = "oracle_price", priceToOraclePpm = "price_to_oracle_ppm"
        case lotCost = "lot_cost", stale, startedHeight = "started_height", startedAt = "started_at", curveStartedAt = "curve_started_at"
        case elapsedSeconds = "elapsed_seconds", redos, sold, raised
    }

    init(_ a: Auction, state: some StateReader, settings: AuctionSettings, atMs: UInt64, assets: AssetBook) {
        func usdc(_ v: UInt128) -> String { Amount.format(v, decimals: 6) }
        let asset = state.asset(a.asset)
        let quote = state.vault(a.vault)?.quote ?? 0
        let debt: UInt128 = quote < 0 ? quote.magnitude : 0
        let elapsed = atMs - min(atMs, a.curveStartMs)
        let p = CollateralAuction.price(top: a.top, elapsedMs: elapsed, settings: settings)
        owner = a.vault.owner.text
        vault = a.vault.number
        self.asset = assets.symbol(a.asset)
        lot = assets.format(a.lot, a.asset)
        self.debt = usdc(debt)
        incentiveDue = usdc(a.incentiveDue)
        tab = usdc(debt.addingReportingOverflow(a.incentiveDue).partialValue)
        debtAtStart = usdc(a.debtAtStart)
        starter = a.starter.owner.text
        starterVault = a.starter.number
        top = OraclePrice.format(a.top)
        price = OraclePrice.format(p)
        let oracle = asset?.oracleMarket.flatMap { state.oracleMarket($0) }.flatMap { $0.hasPrice ? $0.price : nil }
        oraclePrice = oracle.map(OraclePrice.format)
        priceToOraclePpm = oracle.flatMap { o in o > 0 ? UInt64(clamping: UInt128(p) * 1_000_000 / UInt128(o)) : nil }
        lotCost = asset.flatMap { try? CollateralAuction.cost(a.lot, price: p, decimals: $0.decimals) }.map(usdc)
        stale = CollateralAuction.isStale(top: a.top, price: p, elapsedMs: elapsed, settings: settings)
        startedHeight = a.startedHeight
        startedAt = Timestamps.rfc3339(a.startedMs)
        curveStartedAt = Timestamps.rfc3339(a.curveStartMs)
        elapsedSeconds = elapsed / 1_000
        redos = a.redos
        sold = assets.format(a.sold, a.asset)
        raised = usdc(a.raised)
    }
}

struct AuctionCandidateView: Encodable {
    let owner: String
    let vault: UInt32
    let asset: String
    /// The lot an `auction_start` would take now: the vault's whole balance of the asset.
    let amount: String
    let debt: String
    /// `liquidated` or `underwater` (collateral-auctions.md, "Starting an auction").
    let reason: String

    init(vault id: VaultID, asset: String, amount: String, debt: UInt128, reason: String) {
        owner = id.owner.text
        vault = id.number
        self.asset = asset
        self.amount = amount
        self.debt = Amount.format(debt, decimals: 6)
        self.reason = reason
    }
}
