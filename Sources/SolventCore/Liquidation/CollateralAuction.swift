import SolventCrypto

/// Collateral auctions (contracts-spec/collateral-auctions.md), after MakerDAO's `clip`: a vault
/// left owing USDC with no positions but with BTC or ETH has that collateral sold by a Dutch
/// auction, and the proceeds repay its quote.
///
/// 1. **Start** (`auction_start`, anyone): the vault has no open position, a negative quote and
///    the asset, and was liquidated (it has a `liquidation_marks` entry) or its equity at haircut
///    values is below zero; no other auction of the vault runs. The whole balance of the asset
///    leaves the vault as the lot; the price starts at top = ⌈oracle × buf⌉.
/// 2. **Price**: top × cut per step, one step every `step_seconds`, each step rounded up. Below
///    cusp × top, or after `tail_seconds`, the auction is stale and only `auction_redo` (anyone)
///    restarts it from a fresh top.
/// 3. **Take** (`auction_take`, anyone): buys up to what the tab needs at the current price, paid
///    from the taker vault's quote, the collateral into that vault. Proceeds repay the debt first,
///    then the starter's incentive. When the tab is covered the rest of the lot goes back to the
///    vault; when the lot runs out first and the vault holds no other collateral, the insurance
///    fund pays what is still owed, as far as it can. The fund never pays the incentive.
public enum CollateralAuction {
    public enum StartReason: String, Sendable {
        /// The vault has a `liquidation_marks` entry: its positions were closed by `liquidate`.
        case liquidated
        /// Its equity at haircut values and fresh prices is below zero.
        case underwater
    }

    // MARK: The curve (collateral-auctions.md, "Price")

    /// top = ⌈oracle × buf / 10^6⌉.
    public static func top(oracle: UInt64, settings: AuctionSettings) throws(ProtocolError) -> UInt64 {
        guard let t = FixedPoint.mulDiv(UInt128(oracle), UInt128(settings.bufPpm), 1_000_000, .up) else { throw .overflow }
        return try UInt64(checked: t)
    }

    /// The price `elapsedMs` after the curve started at `top`: ⌈p × cut / 10^6⌉ applied once per
    /// whole step (exponential stairstep, rounded up each step, in the auctioned vault's favour).
    /// At most `maxSteps + 1` steps are applied: past that the auction is stale anyway.
    public static func price(top: UInt64, elapsedMs: UInt64, settings: AuctionSettings) -> UInt64 {
        let stepMs = UInt64(max(settings.stepSeconds, 1)) * 1_000
        let steps = min(elapsedMs / stepMs, UInt64(AuctionSettings.maxSteps) + 1)
        var p = UInt128(top)
        // p ≤ 2^64 and cut < 2^20: the product fits.
        for _ in 0..<steps { p = (p * UInt128(settings.cutPpm) + 999_999) / 1_000_000 }
        return UInt64(p)
    }

    /// Stale: older than `tail_seconds`, or price × 10^6 < top × cusp.
    public static func isStale(top: UInt64, price: UInt64, elapsedMs: UInt64, settings: AuctionSettings) -> Bool {
        elapsedMs > UInt64(settings.tailSeconds) * 1_000 || UInt128(price) * 1_000_000 < UInt128(top) * UInt128(settings.cuspPpm)
    }

    /// The starter's incentive: min(tip + ⌊debt × chip / 10^6⌋, max_incentive).
    public static func incentive(debt: UInt128, settings: AuctionSettings) -> UInt128 {
        let share = FixedPoint.mulDiv(debt, UInt128(settings.chipPpm), 1_000_000, .down) ?? UInt128.max
        let (sum, overflow) = settings.tip.addingReportingOverflow(share)
        return min(overflow ? UInt128.max : sum, settings.maxIncentive)
    }

    /// What `amount` of an asset with `decimals` places costs at `price`: ⌈amount × price / 10^(decimals + 2)⌉.
    public static func cost(_ amount: UInt128, price: UInt64, decimals: UInt8) throws(ProtocolError) -> UInt128 {
        guard let c = FixedPoint.mulDiv(amount, UInt128(price), Amount.pow10(Int(decimals) + 2), .up) else { throw .overflow }
        return c
    }

    /// The least amount whose cost covers `need`: ⌈need × 10^(decimals + 2) / price⌉.
    public static func amountCovering(_ need: UInt128, price: UInt64, decimals: UInt8) throws(ProtocolError) -> UInt128 {
        guard let a = FixedPoint.mulDiv(need, Amount.pow10(Int(decimals) + 2), UInt128(max(price, 1)), .up) else { throw .overflow }
        return a
    }

    /// What the vault still owes: max(0, −quote).
    static func debt(_ vault: Vault) -> UInt128 { vault.quote < 0 ? vault.quote.magnitude : 0 }

    // MARK: Who may be auctioned (collateral-auctions.md, "Starting an auction")

    /// Why `vault`'s `asset` may be auctioned now, or the refusal. Checks 4 to 9 of `auction_start`.
    public static func eligibility(vault id: VaultID, asset assetID: AssetID, state: some StateReader,
                                   at timeMs: UInt64) throws(ProtocolError) -> StartReason {
        guard let asset = state.asset(assetID) else { throw ProtocolError(.unknownAsset, "asset \(assetID) is not defined on this chain") }
        guard !asset.isQuote else {
            throw ProtocolError(.auctionNotAllowed, "USDC is never auctioned: it is what the auction raises")
        }
        guard state.isCollateral(asset) else {
            throw ProtocolError(.assetNotCollateral, "\(asset.symbol) is not vault collateral")
        }
        guard let vault = state.vault(id) else { throw ProtocolError(.vaultNotFound, "account \(id.owner) has no vault \(id.number)") }
        if let running = state.auctions(of: id).first {
            let symbol = state.asset(running.asset)?.symbol ?? String(running.asset)
            throw ProtocolError(.auctionExists, "vault \(id) already has its \(symbol) auctioned; one auction per vault at a time")
        }
        guard vault.collateral[assetID] > 0 else {
            throw ProtocolError(.auctionNotAllowed, "vault \(id) holds no \(asset.symbol)")
        }
        guard state.positions(of: id).isEmpty else {
            throw ProtocolError(.auctionNotAllowed, "vault \(id) has open positions: it is liquidated position by position, not auctioned")
        }
        guard vault.quote < 0 else {
            throw ProtocolError(.auctionNotAllowed, "vault \(id) owes nothing (its quote is \(PerpUnits.formatQuote(vault.quote)) USDC)")
        }
        if state.liquidationMark(id).height > 0 { return .liquidated }
        let risk = try Margin.risk(of: id, state: state, at: timeMs, prices: .freshOnly)
        guard risk.equity < 0 else {
            throw ProtocolError(.auctionNotAllowed,
                "vault \(id) was never liquidated and its equity, \(PerpUnits.formatQuote(risk.equity)) USDC, is not below zero: its owner may keep borrowing against its collateral")
        }
        return .underwater
    }

    // MARK: auction_start

    static func start(owner: Address, vault number: UInt32, asset assetID: AssetID, keeperVault: UInt32, sender: Address,
                      context: BlockContext, state: StateOverlay) throws(ProtocolError) -> [Event] {
        let keeper = VaultID(owner: sender, number: keeperVault)
        guard let account = state.account(sender), keeperVault < account.vaultCount, state.vault(keeper) != nil else {
            throw ProtocolError(.vaultNotFound, "you have no vault \(keeperVault) to take the incentive; deposit into it first")
        }
        let target = VaultID(owner: owner, number: number)
        guard state.vault(target) != nil else { throw ProtocolError(.vaultNotFound, "account \(owner) has no vault \(number)") }
        guard target != keeper else { throw ProtocolError(.invalidAuction, "a vault cannot start its own auction; name another vault for the incentive") }
        let reason = try eligibility(vault: target, asset: assetID, state: state, at: context.timeMs)
        let asset = state.asset(assetID)!
        let settings = state.auctionSettings()
        let oracle = try Margin.collateralPrice(asset, yields: state.yieldAssets(), state, context.timeMs, .freshOnly)
        let top = try top(oracle: oracle, settings: settings)

        var events = [Event]()
        // A vault being wound down takes no new risk: its resting orders go, as in a liquidation.
        for o in OrderBook.orders(owner: owner, vault: number, state: state) {
            OrderBook.remove(o, state)
            events.append(Event("order_canceled", [("order_id", .number(o.id)), ("reason", "auction"),
                                                   ("remaining", .size(Int64(o.remaining)))]))
        }
        var vault = state.vault(target)!
        let lot = vault.collateral[assetID]
        vault.collateral[assetID] = 0
        state.putVault(target, vault)
        let debt = Self.debt(vault)
        let incentive = incentive(debt: debt, settings: settings)
        let auction = Auction(vault: target, asset: assetID, lot: lot, debtAtStart: debt, incentiveDue: incentive, starter: keeper,
                              top: top, curveStartMs: context.timeMs, startedHeight: context.height, startedMs: context.timeMs,
                              redos: 0, sold: 0, raised: 0)
        state.putAuction(auction)
        events.append(Event("auction_started", [
            ("vault", .vault(target)), ("asset", .text(asset.symbol)), ("reason", .text(reason.rawValue)), ("starter", .vault(keeper)),
            ("lot", .amount(lot, of: asset)), ("debt", .quote(Int128(debt))), ("incentive", .quote(Int128(incentive))),
            ("oracle_price", .price(oracle)), ("top", .price(top)),
        ]))
        return events
    }

    // MARK: auction_take

    static func take(owner: Address, vault number: UInt32, asset assetID: AssetID, amount: UInt128, maxPrice: UInt64, takerVault: UInt32,
                     sender: Address, context: BlockContext, state: StateOverlay) throws(ProtocolError) -> [Event] {
        let taker = VaultID(owner: sender, number: takerVault)
        guard let account = state.account(sender), takerVault < account.vaultCount, state.vault(taker) != nil else {
            throw ProtocolError(.vaultNotFound, "you have no vault \(takerVault) to pay from; deposit USDC into it first")
        }
        let target = VaultID(owner: owner, number: number)
        guard var auction = state.auction(target, assetID) else {
            throw ProtocolError(.auctionNotFound, "no auction of vault \(target)'s asset \(assetID) is running")
        }
        guard taker != target else { throw ProtocolError(.invalidAuction, "a vault cannot buy its own collateral") }
        let asset = state.asset(assetID)!
        let settings = state.auctionSettings()
        var events = [Event]()
        var vault = state.vault(target)!
        let owed = Self.debt(vault)
        // Repaid by other means (a deposit, another auction): nothing is left to raise.
        if owed == 0, auction.incentiveDue == 0 {
            return try finish(auction, reason: "debt_repaid", state: state, context: context)
        }
        guard amount > 0 else { throw ProtocolError(.amountZero, "amount must be greater than zero") }
        let elapsed = context.timeMs - min(context.timeMs, auction.curveStartMs)
        let price = price(top: auction.top, elapsedMs: elapsed, settings: settings)
        guard !isStale(top: auction.top, price: price, elapsedMs: elapsed, settings: settings) else {
            throw ProtocolError(.auctionStale, "the auction of \(target)'s \(asset.symbol) is stale (price \(OraclePrice.format(price)) from a top of \(OraclePrice.format(auction.top)), \(elapsed / 1_000) s old): restart it with auction_redo")
        }
        guard price <= maxPrice else {
            throw ProtocolError(.auctionPriceAboveMax, "the price is \(OraclePrice.format(price)), above your limit of \(OraclePrice.format(maxPrice))")
        }

        // 1. The slice: what was asked, at most the lot, at most what covers the tab.
        let need = try owed.adding(auction.incentiveDue)
        var slice = min(amount, auction.lot)
        var paid = try cost(slice, price: price, decimals: asset.decimals)
        if paid > need {
            slice = min(try amountCovering(need, price: price, decimals: asset.decimals), auction.lot)
            paid = try cost(slice, price: price, decimals: asset.decimals)
        }

        // 2. The taker pays in cash and receives the collateral.
        var buyer = state.vault(taker)!
        guard buyer.quote >= (try Int128(checked: paid)) else {
            throw ProtocolError(.insufficientBalance,
                "vault \(takerVault) holds \(PerpUnits.formatQuote(buyer.quote)) USDC, \(PerpUnits.formatQuote(Int128(paid))) needed for \(asset.format(slice)) \(asset.symbol) at \(OraclePrice.format(price))")
        }
        buyer.quote = try buyer.quote.subtracting(Int128(checked: paid))
        try buyer.collateral.credit(asset, slice, what: "vault \(takerVault)")
        state.putVault(taker, buyer)

        // 3. Proceeds: the debt first, then the starter's incentive, any excess to the vault.
        let toDebt = min(paid, owed)
        let toIncentive = min(paid - toDebt, auction.incentiveDue)
        vault = state.vault(target)!
        vault.quote = try vault.quote.adding(Int128(checked: paid - toIncentive))
        state.putVault(target, vault)
        if toIncentive > 0 {
            var starter = state.vault(auction.starter)!
            starter.quote = try starter.quote.adding(Int128(checked: toIncentive))
            state.putVault(auction.starter, starter)
        }
        auction.lot -= slice
        auction.incentiveDue -= toIncentive
        auction.sold = try auction.sold.adding(slice)
        auction.raised = try auction.raised.adding(paid)

        // A taker vault with positions must still meet its initial requirement (as after a withdrawal).
        if !state.positions(of: taker).isEmpty {
            let after = try Margin.risk(of: taker, state: state, at: context.timeMs, prices: .freshOnly)
            guard after.equity >= Int128(after.initial) else {
                throw ProtocolError(.insufficientMargin,
                    "paying \(PerpUnits.formatQuote(Int128(paid))) USDC would leave vault \(takerVault)'s equity \(PerpUnits.formatQuote(after.equity)) USDC under its initial requirement of \(PerpUnits.formatQuote(Int128(after.initial))) USDC")
            }
        }
        let debtLeft = Self.debt(state.vault(target)!)
        events.append(Event("auction_take", [
            ("vault", .vault(target)), ("asset", .text(asset.symbol)), ("taker", .vault(taker)),
            ("amount", .amount(slice, of: asset)), ("price", .price(price)), ("paid", .quote(Int128(paid))),
            ("to_debt", .quote(Int128(toDebt))), ("to_incentive", .quote(Int128(toIncentive))),
            ("lot_left", .amount(auction.lot, of: asset)), ("debt_left", .quote(Int128(debtLeft))),
        ]))
        if debtLeft == 0, auction.incentiveDue == 0 {
            events += try finish(auction, reason: "covered", state: state, context: context)
        } else if auction.lot == 0 {
            events += try finish(auction, reason: "sold_out", state: state, context: context)
        } else {
            state.putAuction(auction)
        }
        return events
    }

    /// Ends an auction: the rest of the lot goes back to the vault; a sold-out auction of a vault
    /// that holds no other collateral and no position leaves its remaining debt to the insurance
    /// fund, as far as the fund can pay it. The unpaid part of the incentive is dropped.
    static func finish(_ auction: Auction, reason: String, state: StateOverlay, context: BlockContext) throws(ProtocolError) -> [Event] {
        let asset = state.asset(auction.asset)!
        var vault = state.vault(auction.vault)!
        let returned = auction.lot
        if returned > 0 { try vault.collateral.credit(asset, returned, what: "vault \(auction.vault)") }
        let owed = debt(vault)
        var shortfall: UInt128 = 0, fundPaid: UInt128 = 0
        if reason == "sold_out", owed > 0, vault.collateral.isEmpty, state.positions(of: auction.vault).isEmpty {
            shortfall = owed
            fundPaid = try InsuranceFund.pay(owed, for: .auctionShortfall, vault: auction.vault, market: auction.asset, context: context, state: state)
            vault.quote = try vault.quote.adding(Int128(checked: fundPaid))
        }
        state.putVault(auction.vault, vault)
        state.deleteAuction(auction.vault, auction.asset)
        return [Event("auction_ended", [
            ("vault", .vault(auction.vault)), ("asset", .text(asset.symbol)), ("reason", .text(reason)),
            ("sold", .amount(auction.sold, of: asset)), ("raised", .quote(Int128(auction.raised))),
            ("lot_returned", .amount(returned, of: asset)), ("shortfall", .quote(Int128(shortfall))),
            ("fund_paid", .quote(Int128(fundPaid))), ("unpaid", .quote(Int128(shortfall - fundPaid))),
            ("incentive_unpaid", .quote(Int128(auction.incentiveDue))),
            ("insurance_fund", .quote(Int128(state.insuranceFund()))),
        ])]
    }

    // MARK: auction_redo

    static func redo(owner: Address, vault number: UInt32, asset assetID: AssetID, context: BlockContext,
                     state: StateOverlay) throws(ProtocolError) -> [Event] {
        let target = VaultID(owner: owner, number: number)
        guard var auction = state.auction(target, assetID) else {
            throw ProtocolError(.auctionNotFound, "no auction of vault \(target)'s asset \(assetID) is running")
        }
        let asset = state.asset(assetID)!
        if debt(state.vault(target)!) == 0, auction.incentiveDue == 0 {
            return try finish(auction, reason: "debt_repaid", state: state, context: context)
        }
        let settings = state.auctionSettings()
        let elapsed = context.timeMs - min(context.timeMs, auction.curveStartMs)
        let price = price(top: auction.top, elapsedMs: elapsed, settings: settings)
        guard isStale(top: auction.top, price: price, elapsedMs: elapsed, settings: settings) else {
            throw ProtocolError(.auctionNotStale, "the auction of \(target)'s \(asset.symbol) is not stale (price \(OraclePrice.format(price)), \(elapsed / 1_000) s old): take it instead")
        }
        let oracle = try Margin.collateralPrice(asset, yields: state.yieldAssets(), state, context.timeMs, .freshOnly)
        auction.top = try top(oracle: oracle, settings: settings)
        auction.curveStartMs = context.timeMs
        auction.redos = try auction.redos.adding(1)
        state.putAuction(auction)
        return [Event("auction_redo", [
            ("vault", .vault(target)), ("asset", .text(asset.symbol)), ("stale_price", .price(price)),
            ("oracle_price", .price(oracle)), ("top", .price(auction.top)), ("redos", .number(auction.redos)),
        ])]
    }
}

/// A running auction (table `auctions`, key = vault key ‖ asset id u32 BE; collateral-auctions.md, "State").
public struct Auction: Equatable, Sendable {
    public let vault: VaultID
    public let asset: AssetID
    /// Collateral not yet sold, held by the auction (out of the vault).
    public var lot: UInt128
    /// The vault's debt (−quote) when the auction started.
    public let debtAtStart: UInt128
    /// What the proceeds still owe the starter.
    public var incentiveDue: UInt128
    /// The vault that started the auction and is paid the incentive.
    public let starter: VaultID
    /// The curve's starting price and when it started (the start, or the last redo).
    public var top: UInt64
    public var curveStartMs: UInt64
    public let startedHeight: UInt64
    public let startedMs: UInt64
    public var redos: UInt32
    /// Collateral sold and USDC raised so far.
    public var sold: UInt128
    public var raised: UInt128

    public var key: [UInt8] { vault.key + BigEndianKey.u32(asset) }
}

extension Auction: StoredRecord {
    public static let recordName = "auction"

    public var layoutKey: (vault: VaultID, asset: AssetID) { (vault, asset) }

    public init<Coder: FieldCoder>(coding c: inout Coder, key: (vault: VaultID, asset: AssetID)) throws(ProtocolError)
    where Coder.Record == Self {
        self.init(
            vault: key.vault, asset: key.asset, lot: try c.u128(\.lot, "lot"), debtAtStart: try c.u128(\.debtAtStart, "debt at start"),
            incentiveDue: try c.u128(\.incentiveDue, "incentive due"),
            starter: VaultID(owner: Address(try c.bytes32(\.starter.owner.key, "starter owner")), number: try c.u32(\.starter.number, "starter vault")),
            top: try c.u64(\.top, "top"), curveStartMs: try c.u64(\.curveStartMs, "curve start"),
            startedHeight: try c.u64(\.startedHeight, "started height"), startedMs: try c.u64(\.startedMs, "started ms"),
            redos: try c.u32(\.redos, "redos"), sold: try c.u128(\.sold, "sold"), raised: try c.u128(\.raised, "raised"))
    }

    static func decode(key: [UInt8], _ bytes: [UInt8]) throws(ProtocolError) -> Auction {
        guard key.count == 40 else { throw ProtocolError(.invalidField, "auction key") }
        return try decode(bytes, key: (VaultID.decodeKey(key), BigEndianKey.readU32(key, at: 36)))
    }
}

extension StateReader {
    public func auction(_ vault: VaultID, _ asset: AssetID) -> Auction? {
        let key = vault.key + BigEndianKey.u32(asset)
        guard let b = get(.auctions, key) else { return nil }
        return decodeStored(b, "auction \(vault) \(asset)") { (x) throws(ProtocolError) in try Auction.decode(key: key, x) }
    }

    /// The vault's running auctions (at most one), by asset id.
    public func auctions(of vault: VaultID) -> [Auction] {
        entries(.auctions, prefix: vault.key).map { e in
            decodeStored(e.value, "auction \(vault)") { (x) throws(ProtocolError) in try Auction.decode(key: e.key, x) }
        }
    }

    /// Every running auction, in key order (owner, vault, asset).
    public func allAuctions() -> [Auction] {
        entries(.auctions, prefix: []).map { e in
            decodeStored(e.value, "auction") { (x) throws(ProtocolError) in try Auction.decode(key: e.key, x) }
        }
    }
}

extension StateOverlay {
    func putAuction(_ a: Auction) { put(.auctions, a.key, a.encoded()) }
    func deleteAuction(_ vault: VaultID, _ asset: AssetID) { delete(.auctions, vault.key + BigEndianKey.u32(asset)) }
}
