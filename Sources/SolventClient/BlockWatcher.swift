import Foundation
import HummingbirdWSClient
import Logging

/// Follows a node's block stream (`/v1/ws`). Each text message is one JSON object with a `type`
/// ("hello", "block", "truncated", "lagged"); `onMessage` gets the raw text and returns false to stop.
public enum BlockWatcher {
    public static func follow(nodeURL: String, fromHeight: UInt64?, logger: Logger = Logger(label: "solvent.watch"),
                              onMessage: @escaping @Sendable (String) async -> Bool) async throws {
        var url = nodeURL.replacingOccurrences(of: "http://", with: "ws://").replacingOccurrences(of: "https://", with: "wss://")
        while url.hasSuffix("/") { url.removeLast() }
        url += "/v1/ws"
        if let fromHeight { url += "?from_height=\(fromHeight)" }
        try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 24), logger: logger) { inbound, outbound, _ in
            for try await message in inbound.messages(maxSize: 1 << 26) {
                guard case .text(let text) = message else { continue }
                if await !onMessage(text) { break }
            }
            try await outbound.close(.normalClosure, reason: nil)
        }
    }
}
