import Foundation
import SolventWire
import Testing

/// The one JSON coding the node and the client share (SolventWire): the bytes are the ones
/// rpc.md documents, and what the node writes the client reads back unchanged.
@Suite struct WireJSONTests {
    static let status = StatusReply(
        chainId: "solvent-devnet-1", height: 42, blockHash: "395bf727f9aac5e80911591073fcf9c826f428804131ca089beba3869421749a",
        appHash: "10690182bfe0c0d62af5790f2d2f9459092c46da70ff20802118f2dca8d4948f", blockTime: "2026-01-01T00:00:42.250Z",
        blockTimeMs: 1_767_225_642_250, blockMode: "interval", blockIntervalMs: 1000, mempoolSize: 0, devnet: true,
        validator: "sv1gtshur7kjxv5us7f8z8j86v4arnwpwzq3fxwdapfp7uhsg2zr0ksjny8ev", chainTimeMs: 1_767_225_642_731)

    /// rpc.md, "GET /v1/status": snake_case keys in sorted order, an absent optional left out.
    @Test func statusIsTheDocumentedBytes() throws {
        let expected = #"{"app_hash":"10690182bfe0c0d62af5790f2d2f9459092c46da70ff20802118f2dca8d4948f","#
            + #""block_hash":"395bf727f9aac5e80911591073fcf9c826f428804131ca089beba3869421749a","block_interval_ms":1000,"#
            + #""block_mode":"interval","block_time":"2026-01-01T00:00:42.250Z","block_time_ms":1767225642250,"#
            + #""chain_id":"solvent-devnet-1","chain_time_ms":1767225642731,"devnet":true,"height":42,"mempool_size":0,"#
            + #""validator":"sv1gtshur7kjxv5us7f8z8j86v4arnwpwzq3fxwdapfp7uhsg2zr0ksjny8ev"}"#
        #expect(String(decoding: WireJSON.encode(Self.status), as: UTF8.self) == expected)
        let back = try WireJSON.decode(StatusReply.self, from: Data(expected.utf8))
        #expect(back.blockTimeMs == 1_767_225_642_250 && back.chainTimeMs == 1_767_225_642_731 && back.blockIntervalMs == 1000)
    }

    /// Event attributes are a string-keyed map: their keys are data, never converted either way.
    @Test func eventAttributeKeysStayAsTheNodeWroteThem() throws {
        let receipt = ReceiptReply(code: "ok", codeNumber: 0, message: "",
                                   events: [EventReply(type: "order_filled", attributes: ["order_id": "7", "makerVault": "1"])])
        let text = String(decoding: WireJSON.encode(receipt), as: UTF8.self)
        #expect(text == #"{"code":"ok","code_number":0,"events":[{"attributes":{"makerVault":"1","order_id":"7"},"type":"order_filled"}],"message":""}"#)
        let back = try WireJSON.decode(ReceiptReply.self, from: Data(text.utf8))
        #expect(back.events[0].attributes == ["order_id": "7", "makerVault": "1"])
    }
}
