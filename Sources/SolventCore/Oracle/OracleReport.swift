import SolventCrypto

/// One oracle signer's signed observation of a market's price (contracts-spec/oracle.md).
///
/// The report carries the chain id and market it was signed for, so a report is self-contained:
/// it can be checked on its own, and one signed for another chain or market is refused with its
/// own code rather than as a bad signature.
public struct OracleReport: Equatable, Sendable {
    public static let signDomain: [UInt8] = Array("SOLVENT_ORACLE_V1".utf8)

    public let chainId: String
    public let market: UInt32
    public let signer: Bytes32
    /// 8-decimal US dollar price, > 0.
    public let price: UInt64
    /// When the signer observed the price, in milliseconds since the Unix epoch.
    public let timestampMs: UInt64
    public let signature: [UInt8]

    public init(chainId: String, market: UInt32, signer: Bytes32, price: UInt64, timestampMs: UInt64, signature: [UInt8]) {
        self.chainId = chainId
        self.market = market
        self.signer = signer
        self.price = price
        self.timestampMs = timestampMs
        self.signature = signature
    }

    /// The signed message: "SOLVENT_ORACLE_V1" || chain_id string8 || market u32 || price u64 || timestamp u64.
    public static func signBytes(chainId: String, market: UInt32, price: UInt64, timestampMs: UInt64) -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        w.raw(signDomain)
        w.shortString(chainId)
        w.u32(market)
        w.u64(price)
        w.u64(timestampMs)
        return w.bytes
    }

    public static func sign(chainId: String, market: UInt32, price: UInt64, timestampMs: UInt64, key: PrivateKey) -> OracleReport {
        OracleReport(chainId: chainId, market: market, signer: key.publicKey, price: price, timestampMs: timestampMs,
                     signature: key.sign(signBytes(chainId: chainId, market: market, price: price, timestampMs: timestampMs)))
    }

    public func verifySignature() -> Bool {
        Ed25519.verify(signature: signature,
                       message: Self.signBytes(chainId: chainId, market: market, price: price, timestampMs: timestampMs),
                       publicKey: signer)
    }

    /// Wire encoding inside an `oracle_update` transaction.
    func encode(into w: inout ByteWriter) {
        w.shortString(chainId)
        w.u32(market)
        w.bytes32(signer)
        w.u64(price)
        w.u64(timestampMs)
        w.raw(signature)
    }

    static func decode(from r: inout ByteReader) throws(ProtocolError) -> OracleReport {
        let chainId = try r.shortString("report chain_id", maxLength: TxCodec.maxChainIdLength)
        let market = try r.u32("report market")
        let signer = try r.bytes32("report signer")
        let price = try r.u64("report price")
        guard price > 0, price <= Limits.maxPrice else {
            throw ProtocolError(.invalidField, "report price must be greater than zero and at most \(OraclePrice.format(Limits.maxPrice)) (contracts-spec/limits.md)")
        }
        let timestamp = try r.u64("report timestamp")
        let signature = Array(try r.raw(64, "report signature"))
        return OracleReport(chainId: chainId, market: market, signer: signer, price: price, timestampMs: timestamp, signature: signature)
    }
}
