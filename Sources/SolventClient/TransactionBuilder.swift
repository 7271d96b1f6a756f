import SolventCore
import SolventCrypto

/// Builds and signs transactions for a node: resolves asset symbols and decimal amounts, and
/// fetches the chain id and the sender's next nonce unless given.
public struct TransactionBuilder: Sendable {
    public let client: RPCClient

    public init(client: RPCClient) { self.client = client }

    public struct ResolvedAsset: Sendable {
        public let id: AssetID
        public let symbol: String
        public let decimals: Int

        public init(id: AssetID, symbol: String, decimals: Int) {
            (self.id, self.symbol, self.decimals) = (id, symbol, decimals)
        }
    }

    public func asset(_ symbol: String) async throws -> ResolvedAsset {
        let assets = try await client.assets().value
        guard let a = assets.first(where: { $0.symbol.uppercased() == symbol.uppercased() }) else {
            throw ClientError("unknown_asset", "asset \(symbol) is not defined on this chain (known: \(assets.map(\.symbol).joined(separator: ", ")))")
        }
        return ResolvedAsset(id: a.id, symbol: a.symbol, decimals: Int(a.decimals))
    }

    public static func quantums(_ text: String, _ asset: ResolvedAsset) throws -> UInt128 {
        do {
            return try Amount.parse(text, decimals: asset.decimals)
        } catch {
            throw ClientError("invalid_amount", "\(error) (\(asset.symbol) has \(asset.decimals) decimals)")
        }
    }

    /// Signs `action` from `key` with the given or the next nonce on the node's chain.
    public func sign(_ action: TxAction, key: PrivateKey, nonce: UInt64? = nil, chainId: String? = nil) async throws -> SignedTransaction {
        let chain: String
        if let chainId { chain = chainId } else { chain = try await client.status().value.chainId }
        let n: UInt64
        if let nonce { n = nonce } else { n = try await client.account(Address(key.publicKey).text).value.nextNonce }
        return Transaction(chainId: chain, sender: Address(key.publicKey), nonce: n, action: action).signed(with: key)
    }
}
