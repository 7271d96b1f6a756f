import SolventCore

// The chain's replies (contracts-spec/openapi.yaml, rpc.md): status, assets, accounts, blocks,
// transactions and their receipts, submissions. Amounts are decimal strings in whole units beside
// the asset symbol; hashes and keys are lowercase hex; addresses are bech32m.

public struct StatusReply: Codable, Sendable {
    public let chainId: String
    public let height: UInt64
    public let blockHash: String
    public let appHash: String
    public let blockTime: String
    public let blockTimeMs: UInt64
    public let blockMode: String
    public let blockIntervalMs: Int?
    public let mempoolSize: Int
    public let devnet: Bool
    public let validator: String
    /// The chain clock now (wall clock plus the devnet offset): what the next block's time
    /// follows, and what oracle reports should be stamped with.
    public let chainTimeMs: UInt64

    public init(chainId: String, height: UInt64, blockHash: String, appHash: String, blockTime: String, blockTimeMs: UInt64,
                blockMode: String, blockIntervalMs: Int? = nil, mempoolSize: Int, devnet: Bool, validator: String,
                chainTimeMs: UInt64) {
        (self.chainId, self.height, self.blockHash, self.appHash, self.blockTime, self.blockTimeMs, self.blockMode,
         self.blockIntervalMs, self.mempoolSize, self.devnet, self.validator, self.chainTimeMs) =
            (chainId, height, blockHash, appHash, blockTime, blockTimeMs, blockMode, blockIntervalMs, mempoolSize, devnet,
             validator, chainTimeMs)
    }
}

public struct AssetReply: Codable, Sendable {
    public let id: UInt32
    public let symbol: String
    public let decimals: UInt8

    public init(id: UInt32, symbol: String, decimals: UInt8) {
        (self.id, self.symbol, self.decimals) = (id, symbol, decimals)
    }
}

public struct AmountReply: Codable, Sendable {
    public let asset: String
    public let amount: String

    public init(asset: String, amount: String) {
        (self.asset, self.amount) = (asset, amount)
    }
}

public struct AccountReply: Codable, Sendable {
    public let address: String
    public let exists: Bool
    /// The nonce the next transaction must carry given committed state only.
    public let nonce: UInt64
    /// The nonce the next transaction must carry given also the pending transactions in the mempool (not queued ones).
    public let nextNonce: UInt64
    public let wallet: [AmountReply]
    public let vaults: [UInt32]
    public let height: UInt64

    public init(address: String, exists: Bool, nonce: UInt64, nextNonce: UInt64, wallet: [AmountReply], vaults: [UInt32],
                height: UInt64) {
        (self.address, self.exists, self.nonce, self.nextNonce, self.wallet, self.vaults, self.height) =
            (address, exists, nonce, nextNonce, wallet, vaults, height)
    }
}

public struct EventReply: Codable, Sendable {
    public let type: String
    public let attributes: [String: String]

    public init(type: String, attributes: [String: String]) {
        (self.type, self.attributes) = (type, attributes)
    }
}

public struct ReceiptReply: Codable, Sendable {
    public let code: String
    public let codeNumber: UInt16
    public let message: String
    public let events: [EventReply]

    public init(code: String, codeNumber: UInt16, message: String, events: [EventReply]) {
        (self.code, self.codeNumber, self.message, self.events) = (code, codeNumber, message, events)
    }
}

public struct ReportReply: Codable, Sendable {
    public let signer: String
    public let price: String
    public let timestampMs: UInt64

    public init(signer: String, price: String, timestampMs: UInt64) {
        (self.signer, self.price, self.timestampMs) = (signer, price, timestampMs)
    }
}

/// A transaction's action; only the fields of its kind are present.
public struct ActionReply: Codable, Sendable {
    public let type: String
    public var to: String?
    public var vault: UInt32?
    public var asset: String?
    public var amount: String?
    public var market: String?
    public var marketId: UInt32?
    public var reports: [ReportReply]?
    public var signer: String?
    public var config: OracleSettingsReply?
    public var mode: String?
    public var side: String?
    public var orderKind: String?
    public var timeInForce: String?
    public var reduceOnly: Bool?
    public var size: String?
    public var price: String?
    public var orderId: UInt64?
    public var marketParams: MarketParamsReply?
    public var owner: String?
    public var keeperVault: UInt32?
    public var liquidationConfig: LiquidationConfigReply?
    public var takerVault: UInt32?
    public var maxPrice: String?
    public var auctionConfig: AuctionConfigReply?

    /// The fields of the action's kind are set after.
    public init(type: String) {
        self.type = type
    }
}

public struct TransactionReply: Codable, Sendable {
    public let hash: String
    public let sender: String
    public let nonce: UInt64
    public let chainId: String
    public let action: ActionReply
    public let height: UInt64?
    public let index: UInt32?
    public let blockTime: String?
    public let status: String
    public let receipt: ReceiptReply?

    public init(hash: String, sender: String, nonce: UInt64, chainId: String, action: ActionReply, height: UInt64? = nil,
                index: UInt32? = nil, blockTime: String? = nil, status: String, receipt: ReceiptReply? = nil) {
        (self.hash, self.sender, self.nonce, self.chainId, self.action, self.height, self.index, self.blockTime, self.status,
         self.receipt) =
            (hash, sender, nonce, chainId, action, height, index, blockTime, status, receipt)
    }
}

public struct BlockReply: Codable, Sendable {
    public let height: UInt64
    public let hash: String
    public let time: String
    public let timeMs: UInt64
    public let chainId: String
    public let previousHash: String
    public let txRoot: String
    public let receiptsRoot: String
    public let appHash: String
    public let proposer: String
    public let signature: String
    public let txCount: UInt32
    /// Events of the block's own work (funding), which happen before its transactions.
    public let events: [EventReply]
    public let transactions: [TransactionReply]

    public init(height: UInt64, hash: String, time: String, timeMs: UInt64, chainId: String, previousHash: String,
                txRoot: String, receiptsRoot: String, appHash: String, proposer: String, signature: String, txCount: UInt32,
                events: [EventReply], transactions: [TransactionReply]) {
        (self.height, self.hash, self.time, self.timeMs, self.chainId, self.previousHash, self.txRoot, self.receiptsRoot,
         self.appHash, self.proposer, self.signature, self.txCount, self.events, self.transactions) =
            (height, hash, time, timeMs, chainId, previousHash, txRoot, receiptsRoot, appHash, proposer, signature, txCount,
             events, transactions)
    }
}

public struct MinedReply: Codable, Sendable {
    public let mined: Int
    public let height: UInt64
    public let appHash: String
    public let blockHashes: [String]

    public init(mined: Int, height: UInt64, appHash: String, blockHashes: [String]) {
        (self.mined, self.height, self.appHash, self.blockHashes) = (mined, height, appHash, blockHashes)
    }
}

public struct SubmitReply: Codable, Sendable {
    public let hash: String
    public let status: String
    public let height: UInt64?
    public let index: Int?
    public let blockTime: String?
    public let receipt: ReceiptReply?

    public init(hash: String, status: String, height: UInt64? = nil, index: Int? = nil, blockTime: String? = nil,
                receipt: ReceiptReply? = nil) {
        (self.hash, self.status, self.height, self.index, self.blockTime, self.receipt) =
            (hash, status, height, index, blockTime, receipt)
    }
}

public struct BatchItemReply: Codable, Sendable {
    public let index: Int
    public let hash: String?
    public let accepted: Bool
    /// `pending` or `queued` for an accepted entry.
    public let status: String?
    public let error: ErrorBody?

    public init(index: Int, hash: String? = nil, accepted: Bool, status: String? = nil, error: ErrorBody? = nil) {
        (self.index, self.hash, self.accepted, self.status, self.error) = (index, hash, accepted, status, error)
    }
}

public struct BatchReply: Codable, Sendable {
    public let accepted: Int
    public let rejected: Int
    public let results: [BatchItemReply]

    public init(accepted: Int, rejected: Int, results: [BatchItemReply]) {
        (self.accepted, self.rejected, self.results) = (accepted, rejected, results)
    }
}

public struct ErrorBody: Codable, Sendable {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        (self.code, self.message) = (code, message)
    }
}

extension ErrorBody {
    /// A protocol refusal as the RPC shows it: its stable code name and message.
    public init(_ error: ProtocolError) {
        self.init(code: error.code.name, message: error.message)
    }
}
