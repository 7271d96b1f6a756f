import Foundation
import SolventCore
import SolventCrypto
import SolventStore

// JSON shapes of the RPC (contracts-spec/openapi.yaml). Amounts are decimal strings in whole
// units beside the asset symbol; hashes and keys are lowercase hex; addresses are bech32m.

struct StatusView: Encodable {
    let chainId: String
    let height: UInt64
    let blockHash: String
    let appHash: String
    let blockTime: String
    let blockTimeMs: UInt64
    let blockMode: String
    let blockIntervalMs: Int?
    let mempoolSize: Int
    let devnet: Bool
    let validator: String
    /// The chain clock now (wall clock plus the devnet offset): what the next block's time
    /// follows, and what oracle reports should be stamped with.
    let chainTimeMs: UInt64

    enum CodingKeys: String, CodingKey {
        case chainId = "chain_id", height, blockHash = "block_hash", appHash = "app_hash", blockTime = "block_time"
        case blockTimeMs = "block_time_ms", blockMode = "block_mode", blockIntervalMs = "block_interval_ms"
        case mempoolSize = "mempool_size", devnet, validator, chainTimeMs = "chain_time_ms"
    }
}

struct AmountView: Encodable {
    let asset: String
    let amount: String
}

struct EventView: Encodable {
    let type: String
    let attributes: [String: String]

    init(_ e: Event) {
        type = e.type
        attributes = Dictionary(e.attributes.map { ($0.key, $0.value.rendered) }, uniquingKeysWith: { a, _ in a })
    }
}

struct ReceiptView: Encodable {
    let code: String
    let codeNumber: UInt16
    let message: String
    let events: [EventView]

    init(_ r: Receipt) {
        code = r.code?.name ?? "ok"
        codeNumber = r.code?.number ?? 0
        message = r.message
        events = r.events.map(EventView.init)
    }

    enum CodingKeys: String, CodingKey { case code, codeNumber = "code_number", message, events }
}

struct ReportView: Encodable {
    let signer: String
    let price: String
    let timestampMs: UInt64
    enum CodingKeys: String, CodingKey { case signer, price, timestampMs = "timestamp_ms" }
}

/// A transaction's action; only the fields of its kind are present.
struct ActionView: Encodable {
    let type: String
    var to: String?
    var vault: UInt32?
    var asset: String?
    var amount: String?
    var market: String?
    var marketId: UInt32?
    var reports: [ReportView]?
    var signer: String?
    var config: OracleSettings?
    var mode: String?
    var side: String?
    var orderKind: String?
    var timeInForce: String?
    var reduceOnly: Bool?
    var size: String?
    var price: String?
    var orderId: UInt64?
    var marketParams: MarketParamsView?
    var owner: String?
    var keeperVault: UInt32?
    var liquidationConfig: LiquidationConfigView?
    var takerVault: UInt32?
    var maxPrice: String?
    var auctionConfig: AuctionConfigView?

    enum CodingKeys: String, CodingKey {
        case type, to, vault, asset, amount, market, marketId = "market_id", reports, signer, config, mode, side
        case orderKind = "order_kind", timeInForce = "time_in_force", reduceOnly = "reduce_only", size, price
        case orderId = "order_id", marketParams = "market_params", owner, keeperVault = "keeper_vault"
        case liquidationConfig = "liquidation_config"
        case takerVault = "taker_vault", maxPrice = "max_price", auctionConfig = "auction_config"
    }

    init(_ action: TxAction, _ assets: AssetBook, _ markets: OracleMarketBook) {
        type = action.kind.name
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
            self.reports = reports.map { ReportView(signer: $0.signer.hex, price: OraclePrice.format($0.price), timestampMs: $0.timestampMs) }
        case let .oracleAddSigner(signer), let .oracleRemoveSigner(signer):
            self.signer = signer.hex
        case let .oracleSetSettings(settings):
            config = settings
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
            marketParams = MarketParamsView(p)
        case let .liquidate(owner, vault, market, keeperVault):
            self.owner = owner.text
            self.vault = vault
            marketId = market
            self.keeperVault = keeperVault
        case let .liquidationSetConfig(settings):
            liquidationConfig = LiquidationConfigView(settings)
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
            auctionConfig = AuctionConfigView(settings)
        }
    }
}

struct TransactionView: Encodable {
    let hash: String
    let sender: String
    let nonce: UInt64
    let chainId: String
    let action: ActionView
    let height: UInt64?
    let index: UInt32?
    let blockTime: String?
    let status: String
    let receipt: ReceiptView?

    enum CodingKeys: String, CodingKey {
        case hash, sender, nonce, chainId = "chain_id", action, height, index, blockTime = "block_time", status, receipt
    }

    init(_ tx: SignedTransaction, assets: AssetBook, markets: OracleMarketBook, height: UInt64?, index: UInt32?, blockTimeMs: UInt64?,
         status: String, receipt: Receipt?) {
        hash = tx.hash.hex
        sender = tx.transaction.sender.text
        nonce = tx.transaction.nonce
        chainId = tx.transaction.chainId
        action = ActionView(tx.transaction.action, assets, markets)
        self.height = height
        self.index = index
        blockTime = blockTimeMs.map(Timestamps.rfc3339)
        self.status = status
        self.receipt = receipt.map(ReceiptView.init)
    }
}

struct BlockView: Encodable {
    let height: UInt64
    let hash: String
    let time: String
    let timeMs: UInt64
    let chainId: String
    let previousHash: String
    let txRoot: String
    let receiptsRoot: String
    let appHash: String
    let proposer: String
    let signature: String
    let txCount: UInt32
    /// Events of the block's own work (funding), which happen before its transactions.
    let events: [EventView]
    let transactions: [TransactionView]

    enum CodingKeys: String, CodingKey {
        case height, hash, time, timeMs = "time_ms", chainId = "chain_id", previousHash = "previous_hash"
        case txRoot = "tx_root", receiptsRoot = "receipts_root", appHash = "app_hash", proposer, signature
        case txCount = "tx_count", events, transactions
    }

    init(_ block: Block, blockEvents: [Event], transactions: [SignedTransaction], receipts: [Receipt], assets: AssetBook, markets: OracleMarketBook) {
        let h = block.header
        height = h.height
        hash = block.hash.hex
        time = Timestamps.rfc3339(h.timeMs)
        timeMs = h.timeMs
        chainId = h.chainId
        previousHash = h.previousHash.hex
        txRoot = h.txRoot.hex
        receiptsRoot = h.receiptsRoot.hex
        appHash = h.appHash.hex
        proposer = h.proposer.text
        signature = Hex.encode(block.signature)
        txCount = h.txCount
        events = blockEvents.map(EventView.init)
        self.transactions = zip(transactions, receipts).enumerated().map { i, pair in
            TransactionView(pair.0, assets: assets, markets: markets, height: h.height, index: UInt32(i), blockTimeMs: h.timeMs,
                            status: "committed", receipt: pair.1)
        }
    }
}

struct AccountView: Encodable {
    let address: String
    let exists: Bool
    /// The nonce the next transaction must carry given committed state only.
    let nonce: UInt64
    /// The nonce the next transaction must carry given also the pending transactions in the mempool (not queued ones).
    let nextNonce: UInt64
    let wallet: [AmountView]
    let vaults: [UInt32]
    let height: UInt64

    enum CodingKeys: String, CodingKey { case address, exists, nonce, nextNonce = "next_nonce", wallet, vaults, height }
}

struct MinedView: Encodable {
    let mined: Int
    let height: UInt64
    let appHash: String
    let blockHashes: [String]
    enum CodingKeys: String, CodingKey { case mined, height, appHash = "app_hash", blockHashes = "block_hashes" }
}

struct SubmitView: Encodable {
    let hash: String
    let status: String
    let height: UInt64?
    let index: Int?
    let blockTime: String?
    let receipt: ReceiptView?

    enum CodingKeys: String, CodingKey { case hash, status, height, index, blockTime = "block_time", receipt }
}

struct BatchItemView: Encodable {
    let index: Int
    let hash: String?
    let accepted: Bool
    /// `pending` or `queued` for an accepted entry.
    let status: String?
    let error: ErrorBody?
}

struct BatchView: Encodable {
    let accepted: Int
    let rejected: Int
    let results: [BatchItemView]
}

struct ErrorBody: Encodable {
    let code: String
    let message: String
}

struct AssetView: Encodable {
    let id: UInt32
    let symbol: String
    let decimals: UInt8
}

enum Timestamps {
    /// RFC 3339 UTC with milliseconds, e.g. "2026-11-21T09:30:00.250Z" (proleptic Gregorian,
    /// converted with the civil-from-days algorithm, no calendar or locale involved).
    static func rfc3339(_ ms: UInt64) -> String {
        let seconds = Int64(ms / 1000)
        let days = seconds / 86_400
        let secondOfDay = seconds % 86_400
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(Int64(ms % 1000), 3))Z"
    }
}

enum JSON {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these view types cannot fail: they hold only strings, integers and arrays.
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }
}
