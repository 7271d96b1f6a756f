import SolventCrypto

/// A block header (contracts-spec/blocks.md). The block hash is SHA-256 of the encoded header;
/// the proposer signs "SOLVENT_BLOCK" || encoded header.
///
/// Unlike CometBFT, whose header carries the app hash of the previous block, `appHash` here is
/// the state after executing this block's own transactions: the single proposer executes before
/// it signs, as an Ethereum block carries its own post-state root.
public struct BlockHeader: Equatable, Sendable {
    public static let signDomain: [UInt8] = Array("SOLVENT_BLOCK".utf8)

    public let chainId: String
    public let height: UInt64
    /// Block time in milliseconds since the Unix epoch; strictly increasing from block to block.
    public let timeMs: UInt64
    public let previousHash: Bytes32
    public let txCount: UInt32
    public let txRoot: Bytes32
    public let receiptsRoot: Bytes32
    public let appHash: Bytes32
    public let proposer: Address

    public init(chainId: String, height: UInt64, timeMs: UInt64, previousHash: Bytes32, txCount: UInt32,
                txRoot: Bytes32, receiptsRoot: Bytes32, appHash: Bytes32, proposer: Address) {
        self.chainId = chainId
        self.height = height
        self.timeMs = timeMs
        self.previousHash = previousHash
        self.txCount = txCount
        self.txRoot = txRoot
        self.receiptsRoot = receiptsRoot
        self.appHash = appHash
        self.proposer = proposer
    }

    public var hash: Bytes32 { SHA256.hash(encoded()) }
    public var signBytes: [UInt8] { Self.signDomain + encoded() }
}

extension BlockHeader: StoredRecord {
    public static let recordName = "block header"

    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        self.init(
            chainId: try c.shortString(\.chainId, "chain_id", maxLength: TxCodec.maxChainIdLength),
            height: try c.u64(\.height, "height"), timeMs: try c.u64(\.timeMs, "time"),
            previousHash: try c.bytes32(\.previousHash, "previous_hash"), txCount: try c.u32(\.txCount, "tx_count"),
            txRoot: try c.bytes32(\.txRoot, "tx_root"), receiptsRoot: try c.bytes32(\.receiptsRoot, "receipts_root"),
            appHash: try c.bytes32(\.appHash, "app_hash"), proposer: Address(try c.bytes32(\.proposer.key, "proposer")))
    }
}

/// A committed block: header, proposer signature and the transactions' wire bytes in order.
public struct Block: Equatable, Sendable {
    public let header: BlockHeader
    public let signature: [UInt8]
    public let transactions: [[UInt8]]

    public init(header: BlockHeader, signature: [UInt8], transactions: [[UInt8]]) {
        self.header = header
        self.signature = signature
        self.transactions = transactions
    }

    public var hash: Bytes32 { header.hash }

    public func verifySignature() -> Bool {
        Ed25519.verify(signature: signature, message: header.signBytes, publicKey: header.proposer.key)
    }
}

/// Stored encoding: the header (with its version), 64-byte signature, u32 count, then each
/// transaction u32-length-prefixed.
extension Block: RecordLayout {
    public init<Coder: FieldCoder>(coding c: inout Coder, key: Void) throws(ProtocolError) where Coder.Record == Self {
        let header = try c.versioned(\.header, key: ())
        let signature = try c.fixedBytes(\.signature, "block signature", count: 64)
        let n = try c.u32({ UInt32($0.transactions.count) }, "transaction count")
        try c.require(n == header.txCount && Int(n) * 4 <= c.remainingBytes,
                      ProtocolError(.invalidField, "block transaction count \(n) does not match its header"))
        var txs = [[UInt8]]()
        txs.reserveCapacity(Int(n))
        for i in 0..<Int(n) { txs.append(try c.blob({ $0.transactions[i] }, "transaction")) }
        self.init(header: header, signature: signature, transactions: txs)
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 320 + transactions.reduce(0) { $0 + $1.count + 4 })
        encode(into: &w)
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(ProtocolError) -> Block {
        var r = ByteReader(bytes)
        let block = try decode(from: &r)
        try r.expectEnd()
        return block
    }
}
