import Foundation
import Logging
import SolventCore
import SolventCrypto
import SolventWire

/// What a keeper needs of a node: over the RPC (`RPCClient`), or inside the node's own process
/// (`solventd devnet`'s built-in keeper reads the node's query functions and admits straight into
/// the engine). The replies are the wire types either way, so the keeper's logic is one.
public protocol KeeperNode: FeederNode {
    /// The committed height.
    func headHeight() async throws -> UInt64
    /// The numbers of the vaults `owner` has opened.
    func vaultNumbers(of owner: Address) async throws -> [UInt32]
    /// `GET /v1/liquidatable?limit=`.
    func liquidatableVaults(limit: Int) async throws -> LiquidatableReply
    /// `GET /v1/auctions?limit=`.
    func auctionBook(limit: Int) async throws -> AuctionsReply
    /// A vault, or nil when it does not exist.
    func vaultState(_ owner: Address, _ number: UInt32) async throws -> VaultReply?
    func assetList() async throws -> [AssetReply]
    func marketList() async throws -> [MarketReply]
    /// `POST /v1/simulate`: the receipt `tx` would get in the next block; nothing is kept.
    func dryRun(_ tx: SignedTransaction) async throws -> SimulationReply
    /// The receipt of a committed transaction; nil while it waits or when the node does not know it.
    func committedReceipt(_ hash: String) async throws -> ReceiptReply?
    /// Calls `onBlock` after each block commits, until it returns false; throws when the node
    /// cannot deliver blocks (the keeper then polls `headHeight`).
    func followBlocks(logger: Logger, _ onBlock: @escaping @Sendable () async -> Bool) async throws
}

extension RPCClient: KeeperNode {
    public func headHeight() async throws -> UInt64 { try await status().value.height }
    public func vaultNumbers(of owner: Address) async throws -> [UInt32] { try await account(owner.text).value.vaults }
    public func liquidatableVaults(limit: Int) async throws -> LiquidatableReply { try await liquidatable(limit: limit).value }
    public func auctionBook(limit: Int) async throws -> AuctionsReply { try await auctions(limit: limit).value }
    public func vaultState(_ owner: Address, _ number: UInt32) async throws -> VaultReply? {
        do {
            return try await vault(owner.text, number).value
        } catch let error as ClientError where error.code == "not_found" {
            return nil
        }
    }
    public func assetList() async throws -> [AssetReply] { try await assets().value }
    public func marketList() async throws -> [MarketReply] { try await markets().value }
    public func dryRun(_ tx: SignedTransaction) async throws -> SimulationReply { try await simulate(hex: Hex.encode(tx.bytes)).value }
    public func committedReceipt(_ hash: String) async throws -> ReceiptReply? { try await transaction(hash).value.receipt }

    /// Follows the WebSocket block stream (rpc.md, "Block stream").
    public func followBlocks(logger: Logger, _ onBlock: @escaping @Sendable () async -> Bool) async throws {
        try await BlockWatcher.follow(nodeURL: baseURL, fromHeight: nil, logger: logger) { text in
            guard text.contains("\"type\":\"block\"") || text.contains("\"type\" : \"block\"") else { return !Task.isCancelled }
            return await onBlock()
        }
    }
}
