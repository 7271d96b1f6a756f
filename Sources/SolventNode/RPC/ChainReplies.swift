import SolventCore
import SolventCrypto
import SolventStore
import SolventWire

// The chain's replies (SolventWire/ChainReplies.swift) from the core's blocks, transactions and
// receipts, with amounts in whole units beside the asset symbol (contracts-spec/openapi.yaml).

extension EventReply {
    init(_ e: Event) {
        self.init(type: e.type, attributes: Dictionary(e.attributes.map { ($0.key, $0.value.rendered) }, uniquingKeysWith: { a, _ in a }))
    }
}

extension ReceiptReply {
    init(_ r: Receipt) {
        self.init(code: r.code?.name ?? "ok", codeNumber: r.code?.number ?? 0, message: r.message, events: r.events.map(EventReply.init))
    }
}

/// A transaction's action: only the fields of its kind are set.
extension ActionReply {
    init(_ action: TxAction, _ assets: AssetBook, _ markets: OracleMarketBook) {
        self.init(type: action.kind.name)
        switch action {
        case let .send(to, asset, amount):
            self.to = to.text
            self.asset = assets.symbol(asset)
            self.amount = assets.format(amount, asset)
        case let .deposit(vault, asset, amount), let .withdraw(vault, asset, amount):
            self.vault = vault
            self.asset = assets.symbol(asset)
            self.amount = assets.format(amount, asset)
        case let .oracleUpdate(market, reports):
            self.market = markets.symbol(market)
            marketId = market
            self.reports = reports.map { ReportReply(signer: $0.signer.hex, price: OraclePrice.format($0.price), timestampMs: $0.timestampMs) }
        case let .oracleAddSigner(signer), let .oracleRemoveSigner(signer):
            self.signer = signer.hex
        case let .oracleSetSettings(settings):
            config = OracleSettingsReply(settings)
        case let .oracleSetSurface(base, points):
            market = markets.symbol(base)
            marketId = base
            self.points = points.map { markets.symbol($0) }
        case let .assetSetYield(asset, apr, writedown):
            self.asset = assets.symbol(asset)
            aprPpm = apr
            writedownPpm = writedown
        case let .assetSetHaircutRule(rule):
            asset = assets.symbol(rule.asset)
            volMarket = rule.volMarket
            windowMs = rule.windowMs
            scalePpm = rule.scalePpm
            capPpm = rule.capPpm
            ratePpmPerHour = rule.ratePpmPerHour
            stepPpm = rule.stepPpm
        case let .vaultOpen(vault, mode):
            self.vault = vault
            self.mode = mode.name
            if case .isolated(let market) = mode { marketId = market }
        case let .orderPlace(r):
            vault = r.vault
            marketId = r.market
            side = r.side.name
            orderKind = r.kind == .limit ? "limit" : "market"
            timeInForce = r.timeInForce.name
            reduceOnly = r.reduceOnly
            size = PerpUnits.formatSize(Int64(clamping: r.size))
            price = OraclePrice.format(r.price)
        case let .orderCancel(id):
            orderId = id
        case let .orderCancelAll(vault, market):
            self.vault = vault
            marketId = market
        case let .marketList(p), let .marketUpdate(p):
            marketId = p.id
            marketParams = MarketParamsReply(p)
        case let .marketSetDepthAddon(market, band, window, addon):
            marketId = market
            bandPpm = band
            windowMs = window
            addonPpm = addon
        case let .marketSetOiCaps(market, lower, upper):
            marketId = market
            oiLowerCap = Amount.format(lower, decimals: 6)
            oiUpperCap = Amount.format(upper, decimals: 6)
        case let .liquidate(owner, vault, market, keeperVault):
            self.owner = owner.text
            self.vault = vault
            marketId = market
            self.keeperVault = keeperVault
        case let .liquidationSetConfig(settings):
            liquidationConfig = LiquidationConfigReply(settings)
        case let .oracleOverride(market, price):
            self.market = markets.symbol(market)
            marketId = market
            self.price = OraclePrice.format(price)
        case let .auctionStart(owner, vault, asset, keeperVault):
            self.owner = owner.text
            self.vault = vault
            self.asset = assets.symbol(asset)
            self.keeperVault = keeperVault
        case let .auctionTake(owner, vault, asset, amount, maxPrice, takerVault):
            self.owner = owner.text
            self.vault = vault
            self.asset = assets.symbol(asset)
            self.amount = assets.format(amount, asset)
            self.maxPrice = OraclePrice.format(maxPrice)
            self.takerVault = takerVault
        case let .auctionRedo(owner, vault, asset):
            self.owner = owner.text
            self.vault = vault
            self.asset = assets.symbol(asset)
        case let .auctionSetConfig(settings):
            auctionConfig = AuctionConfigReply(settings)
        }
    }
}


extension TransactionReply {
    init(_ tx: SignedTransaction, assets: AssetBook, markets: OracleMarketBook, height: UInt64?, index: UInt32?, blockTimeMs: UInt64?,
         status: String, receipt: Receipt?) {
        self.init(hash: tx.hash.hex, sender: tx.transaction.sender.text, nonce: tx.transaction.nonce, chainId: tx.transaction.chainId,
                  action: ActionReply(tx.transaction.action, assets, markets), height: height, index: index,
                  blockTime: blockTimeMs.map(UTCTime.rfc3339), status: status, receipt: receipt.map(ReceiptReply.init))
    }
}

extension BlockReply {
    init(_ block: Block, blockEvents: [Event], transactions: [SignedTransaction], receipts: [Receipt], assets: AssetBook, markets: OracleMarketBook) {
        let h = block.header
        self.init(
            height: h.height, hash: block.hash.hex, time: UTCTime.rfc3339(h.timeMs), timeMs: h.timeMs, chainId: h.chainId,
            previousHash: h.previousHash.hex, txRoot: h.txRoot.hex, receiptsRoot: h.receiptsRoot.hex, appHash: h.appHash.hex,
            proposer: h.proposer.text, signature: Hex.encode(block.signature), txCount: h.txCount,
            events: blockEvents.map(EventReply.init),
            transactions: zip(transactions, receipts).enumerated().map { i, pair in
                TransactionReply(pair.0, assets: assets, markets: markets, height: h.height, index: UInt32(i), blockTimeMs: h.timeMs,
                                 status: "committed", receipt: pair.1)
            })
    }
}

extension OracleSettingsReply {
    init(_ s: OracleSettings) {
        self.init(quorum: s.quorum, maxReportAgeMs: s.maxReportAgeMs, maxFutureSkewMs: s.maxFutureSkewMs,
                  minUpdateIntervalMs: s.minUpdateIntervalMs, maxMovePpm: s.maxMovePpm, staleAfterMs: s.staleAfterMs)
    }
}
