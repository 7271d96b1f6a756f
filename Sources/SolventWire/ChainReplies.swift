import SolventCore

// The chain's replies (contracts-spec/openapi.yaml, rpc.md): status, assets, accounts, blocks,
// transactions and their receipts, submissions. Amounts are decimal strings in whole units beside
// the asset symbol; hashes and keys are lowercase hex; addresses are bech32m.

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

extension ErrorBody {
    /// A protocol refusal as the RPC shows it: its stable code name and message.
    public init(_ error: ProtocolError) {
        self.init(code: error.code.name, message: error.message)
    }
}
