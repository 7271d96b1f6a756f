import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SolventWire

/// HTTP client for a node's `/v1` API. Every call returns the decoded reply and the raw JSON
/// (which `--output json` prints unchanged); a node error becomes a `ClientError` with its code.
public struct RPCClient: Sendable {
    public let baseURL: String
    private let timeout: TimeAmount
    let http: HTTPClient

    /// Replies larger than this are refused (a block of 20,000 transactions is about 20 MB).
    static let maxReplyBytes = 256 << 20

    /// `retryConnecting`: keep retrying (with backoff, up to the timeout) while the node cannot be
    /// reached, as a long-running bot wants; otherwise fail at once, as a CLI command should.
    public init(baseURL: String, timeoutSeconds: Int64 = 60, retryConnecting: Bool = false) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.timeout = .seconds(timeoutSeconds)
        self.http = retryConnecting ? SharedHTTPClients.retrying : SharedHTTPClients.failFast
    }

    public struct Reply<T: Sendable>: Sendable {
        public let value: T
        public let json: Data
        public let status: Int
    }

    public func get<T: Decodable & Sendable>(_ path: String, as type: T.Type = T.self) async throws -> Reply<T> {
        try await send("GET", path, body: nil, as: type)
    }

    public func post<T: Decodable & Sendable>(_ path: String, json body: Data, as type: T.Type = T.self) async throws -> Reply<T> {
        try await send("POST", path, body: body, as: type)
    }

    func send<T: Decodable & Sendable>(_ method: String, _ path: String, body: Data?, as type: T.Type) async throws -> Reply<T> {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let data: Data
        let status: Int
        do {
            let response = try await http.execute(request, timeout: timeout)
            status = Int(response.status.code)
            data = Data(try await response.body.collect(upTo: Self.maxReplyBytes).readableBytesView)
        } catch let error as HTTPClientError where error == .invalidURL || error == .emptyHost || error == .emptyScheme {
            throw ClientError("invalid_url", "\(baseURL + path) is not a URL the client can use")
        } catch {
            throw ClientError("node_unreachable", "cannot reach the node at \(baseURL): \(error)")
        }
        guard (200..<300).contains(status) else {
            if let e = try? WireJSON.decode(ErrorReply.self, from: data) {
                throw ClientError(e.error.code, e.error.message, status: status)
            }
            throw ClientError("http_\(status)", String(decoding: data.prefix(200), as: UTF8.self), status: status)
        }
        do {
            return Reply(value: try WireJSON.decode(T.self, from: data), json: data, status: status)
        } catch {
            throw ClientError("bad_reply", "the node's reply to \(method) \(path) is not what this client expects: \(error)")
        }
    }

    // MARK: Endpoints

    public func status() async throws -> Reply<StatusReply> { try await get("/v1/status") }
    public func assets() async throws -> Reply<[AssetReply]> { try await get("/v1/assets") }
    public func account(_ address: String) async throws -> Reply<AccountReply> { try await get("/v1/accounts/\(address)") }
    public func vault(_ address: String, _ number: UInt32) async throws -> Reply<VaultReply> {
        try await get("/v1/vaults/\(address)/\(number)")
    }
    public func vaults(_ address: String) async throws -> Reply<[VaultReply]> { try await get("/v1/vaults/\(address)") }
    public func block(_ height: String) async throws -> Reply<BlockReply> { try await get("/v1/blocks/\(height)") }
    public func transaction(_ hash: String) async throws -> Reply<TransactionReply> { try await get("/v1/txs/\(hash)") }

    public func submit(hex: String, waitForCommit: Bool) async throws -> Reply<SubmitReply> {
        try await post(waitForCommit ? "/v1/txs?wait=commit" : "/v1/txs", json: Data(WireJSON.encode(SubmitRequest(tx: hex))))
    }

    /// Submits many transactions; with `errorsOnly` the reply lists only the refused ones.
    public func submitBatch(hex: [String], errorsOnly: Bool = false) async throws -> Reply<BatchReply> {
        try await submitBatch(body: Self.batchBody(hex), errorsOnly: errorsOnly)
    }

    /// The request body for `submitBatch`, for load generators that prepare bodies in advance.
    public static func batchBody(_ hex: [String]) throws -> Data {
        Data(WireJSON.encode(BatchRequest(txs: hex)))
    }

    public func submitBatch(body: Data, errorsOnly: Bool = false) async throws -> Reply<BatchReply> {
        try await post(errorsOnly ? "/v1/txs/batch?results=errors" : "/v1/txs/batch", json: body)
    }

    public func oracle() async throws -> Reply<OracleReply> { try await get("/v1/oracle") }
    public func oracleMarket(_ market: String) async throws -> Reply<OracleMarketReply> { try await get("/v1/oracle/\(market)") }

    public func markets() async throws -> Reply<[MarketReply]> { try await get("/v1/markets") }
    public func market(_ market: String, depth: Int = 20) async throws -> Reply<MarketReply> { try await get("/v1/markets/\(market)?depth=\(depth)") }
    public func orders(_ address: String) async throws -> Reply<[OrderReply]> { try await get("/v1/orders/\(address)") }
    public func protocolAccounts() async throws -> Reply<ProtocolReply> { try await get("/v1/protocol") }

    public func mine(blocks: Int) async throws -> Reply<MinedReply> {
        try await post("/v1/devnet/mine", json: Data(WireJSON.encode(MineRequest(blocks: blocks))))
    }
}

/// Process-wide HTTP clients (AsyncHTTPClient pools connections per client). They live for the
/// whole process, so they are never shut down.
enum SharedHTTPClients {
    static let failFast: HTTPClient = make(retry: false)
    static let retrying: HTTPClient = make(retry: true)

    private static func make(retry: Bool) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(5)
        configuration.connectionPool.retryConnectionEstablishment = retry
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }
}
