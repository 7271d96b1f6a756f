import SolventCrypto

/// A block header (contracts-spec/blocks.md). The block hash is SHA-256 of the encoded header;
/// the proposer signs "SOLVENT_BLOCK" || encoded header.
///
/// Unlike CometBFT, whose header carries the app hash of the previous block, `appHash` here is
/// the state after executing this block's own transactions: the single proposer executes before
/// it signs, as an Ethereum block carries its own post-state root.
public struct BlockHeader: Equatable, Sendable {
    public static let version: UInt8 = 1
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

    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 256)
        w.u8(Self.version)
        w.shortString(chainId)
        w.u64(height)
        w.u64(timeMs)
        w.bytes32(previousHash)
        w.u32(txCount)
        w.bytes32(txRoot)
        w.bytes32(receiptsRoot)
        w.bytes32(appHash)
        w.bytes32(proposer.key)
        return w.bytes
    }

    public var hash: Bytes32 { SHA256.hash(encoded()) }
    public var signBytes: [UInt8] { Self.signDomain + encoded() }

    public static func decode(from r: inout ByteReader) throws(ProtocolError) -> BlockHeader {
        let v = try r.u8("header version")
        guard v == version else { throw ProtocolError(.unknownVersion, "block header version \(v)") }
        return BlockHeader(
            chainId: try r.shortString("chain_id", maxLength: TxCodec.maxChainIdLength),
            height: try r.u64("height"), timeMs: try r.u64("time"),
            previousHash: try r.bytes32("previous_hash"), txCount: try r.u32("tx_count"),
            txRoot: try r.bytes32("tx_root"), receiptsRoot: try r.bytes32("receipts_root"),
            appHash: try r.bytes32("app_hash"), proposer: Address(try r.bytes32("proposer")))
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

    /// Stored encoding: header, 64-byte signature, u32 count, then each transaction u32-length-prefixed.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 320 + transactions.reduce(0) { $0 + $1.count + 4 })
        w.raw(header.encoded())
        w.raw(signature)
        w.u32(UInt32(transactions.count))
        for tx in transactions { w.blob(tx) }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(ProtocolError) -> Block {
        var r = ByteReader(bytes)
        let header = try BlockHeader.decode(from: &r)
        let signature = Array(try r.raw(64, "block signature"))
        let n = Int(try r.u32("transaction count"))
        guard n == Int(header.txCount), n * 4 <= r.remaining else {
            throw ProtocolError(.invalidField, "block transaction count \(n) does not match its header")
        }
        var txs = [[UInt8]]()
        txs.reserveCapacity(n)
        for _ in 0..<n { txs.append(try r.blob("transaction")) }
        try r.expectEnd()
        return Block(header: header, signature: signature, transactions: txs)
    }
}
