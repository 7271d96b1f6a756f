import Foundation
import HummingbirdTesting
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventNode
import SolventWire
import Testing

/// Every query's reply, as the node writes it, decodes into its SolventWire type and encodes
/// back to the same bytes: the client reads every field the node sends, and the types the two
/// share are the wire (contracts-spec/openapi.yaml).
@Suite struct WireRoundTripTests {
    let dev0 = DevnetKeys.account(0)

    func raw(_ client: any TestClientProtocol, _ uri: String) async throws -> Data {
        try await client.execute(uri: uri, method: .get, headers: [:], body: nil) { response in
            #expect(response.status == .ok, "\(uri)")
            return Data(response.body.readableBytesView)
        }
    }

    func roundTrips<T: Codable>(_ client: any TestClientProtocol, _ uri: String, as type: T.Type) async throws {
        let bytes = try await raw(client, uri)
        let decoded = try WireJSON.decode(T.self, from: bytes)
        #expect(WireJSON.encode(decoded) == Array(bytes), "\(uri): \(String(decoding: bytes, as: UTF8.self).prefix(300))")
    }

    /// A leveraged vault after a trade and a price fall (LiquidationNodeTests): positions,
    /// orders, a liquidatable vault, oracle reports and a block with transactions are all there.
    @Test func everyQueryReplyRoundTripsThroughItsWireType() async throws {
        try await NodeFixtures.withNode { node, client in
            var relayer: UInt64 = 0
            try await LiquidationNodeTests().leveraged(node, client, relayer: &relayer)
            let owner = Address(dev0.publicKey).text
            try await roundTrips(client, "/v1/status", as: StatusReply.self)
            try await roundTrips(client, "/v1/assets", as: [AssetReply].self)
            try await roundTrips(client, "/v1/accounts/\(owner)", as: AccountReply.self)
            try await roundTrips(client, "/v1/vaults/\(owner)", as: [VaultReply].self)
            try await roundTrips(client, "/v1/vaults/\(owner)/0/margin", as: PortfolioMarginReply.self)
            try await roundTrips(client, "/v1/blocks/2", as: BlockReply.self)
            try await roundTrips(client, "/v1/oracle", as: OracleReply.self)
            try await roundTrips(client, "/v1/markets", as: [MarketReply].self)
            try await roundTrips(client, "/v1/markets/BTC-PERP?depth=5", as: MarketReply.self)
            try await roundTrips(client, "/v1/orders/\(owner)", as: [OrderReply].self)
            try await roundTrips(client, "/v1/protocol", as: ProtocolReply.self)
            try await roundTrips(client, "/v1/liquidatable", as: LiquidatableReply.self)
            try await roundTrips(client, "/v1/risk/shock?market=BTC-PERP&move=-0.1", as: ShockReply.self)
            try await roundTrips(client, "/v1/insurance", as: InsuranceReply.self)
            try await roundTrips(client, "/v1/adl/BTC-PERP", as: ADLReply.self)
            try await roundTrips(client, "/v1/supply", as: SupplyReply.self)
            try await roundTrips(client, "/v1/auctions?all=true", as: AuctionsReply.self)
            let liquidatable = try WireJSON.decode(LiquidatableReply.self, from: try await raw(client, "/v1/liquidatable"))
            #expect(liquidatable.vaults.first?.positions.first?.closeSize != nil)
        }
    }
}
