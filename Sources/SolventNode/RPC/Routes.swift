import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import SolventCore
import SolventEngine
import SolventCrypto
import SolventStore
import SolventWire

/// The HTTP JSON API under `/v1` (contracts-spec/openapi.yaml) plus `/metrics`.
struct Routes: Sendable {
    let node: Node

    /// Transactions per batch request; a batch body may be up to 64 MiB.
    static let maxBatch = 50_000
    static let maxSingleBody = 64 << 10
    static let maxBatchBody = 64 << 20

    func register(on router: Router<RPCContext>) {
        router.get("/v1/status") { _, _ in try status() }
        router.get("/v1/assets") { _, _ in try Response.json(node.assetReplies()) }
        router.post("/v1/txs") { request, _ in try await submit(request) }
        router.post("/v1/txs/batch") { request, _ in try await submitBatch(request) }
        router.get("/v1/txs/:hash") { _, context in try transaction(context.parameters.require("hash")) }
        router.get("/v1/blocks/latest") { _, _ in try block(nil) }
        router.get("/v1/blocks/:height") { _, context in try block(context.parameters.require("height")) }
        router.get("/v1/accounts/:address") { _, context in try account(context.parameters.require("address")) }
        router.get("/v1/vaults/:address") { _, context in try vaults(context.parameters.require("address")) }
        router.get("/v1/vaults/:address/:number") { _, context in
            try vault(context.parameters.require("address"), context.parameters.require("number"))
        }
        router.post("/v1/devnet/mine") { request, _ in try await mine(request) }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: node.metrics.text())))
        }
    }

    // MARK: Chain

    func status() throws -> Response {
        let head = try node.store.head()
        let mode = node.blockMode
        var interval: Int?
        if case .interval(let ms) = mode { interval = ms }
        return .json(StatusReply(
            chainId: node.chainId, height: head.height, blockHash: head.blockHash.hex, appHash: head.appHash.hex,
            blockTime: UTCTime.rfc3339(head.timeMs), blockTimeMs: head.timeMs, blockMode: mode.name,
            blockIntervalMs: interval, mempoolSize: node.mempool.count, devnet: node.config.devnet,
            validator: node.engine.validator.text, chainTimeMs: node.chainClockMs()))
    }

    func block(_ heightText: String?) throws -> Response {
        let height: UInt64
        if let heightText {
            guard let h = UInt64(heightText) else {
                throw RPCError.badRequest("invalid_height", "'\(heightText)' is not a block height (a non-negative integer or 'latest')")
            }
            height = h
        } else {
            height = try node.store.head().height
        }
        guard let view = try blockView(height) else {
            let head = try node.store.head().height
            throw RPCError.notFound(height == 0
                ? "height 0 is the genesis state, which has no block; blocks start at 1"
                : "no block at height \(height); the chain is at height \(head)")
        }
        return .json(view)
    }

    func blockView(_ height: UInt64) throws -> BlockReply? {
        guard let block = try node.store.block(at: height) else { return nil }
        let receipts = try node.store.receipts(at: height)
        let txs = try block.transactions.map { try TxCodec.decode($0) }
        return BlockReply(block, blockEvents: try node.store.blockEvents(at: height), transactions: txs, receipts: receipts,
                          assets: node.assets, markets: node.oracleMarkets)
    }

    func transaction(_ hashText: String) throws -> Response {
        guard let raw = Hex.decode(hashText), let hash = Bytes32(raw) else {
            throw RPCError.badRequest("invalid_hash", "'\(hashText)' is not a transaction hash (64 hex characters)")
        }
        if let reply = try node.transactionReply(hash) { return .json(reply) }
        throw RPCError.notFound("no transaction \(hash.hex) is committed or waiting in the mempool")
    }

    // MARK: Accounts and vaults

    func parseAddress(_ text: String) throws -> Address {
        guard let address = Address(text: text) else {
            throw RPCError.badRequest("invalid_address", "'\(text)' is not an address (sv1... bech32m or 64 hex characters)")
        }
        return address
    }

    func account(_ text: String) throws -> Response {
        .json(try node.accountReply(try parseAddress(text)))
    }

    func vault(_ addressText: String, _ numberText: String) throws -> Response {
        let owner = try parseAddress(addressText)
        guard let number = UInt32(numberText) else {
            throw RPCError.badRequest("invalid_vault", "'\(numberText)' is not a vault number")
        }
        guard let reply = try node.vaultReply(VaultID(owner: owner, number: number)) else {
            throw RPCError.notFound("account \(owner) has no vault \(number)")
        }
        return .json(reply)
    }

    func vaults(_ addressText: String) throws -> Response {
        .json(try node.vaultReplies(try parseAddress(addressText)))
    }

    // MARK: Submission

    func decodeBody<T: Decodable>(_ request: Request, _ type: T.Type, limit: Int) async throws -> T {
        let buffer = try await Self.collectBody(request, limit: limit)
        do {
            return try WireJSON.decode(T.self, from: Data(buffer: buffer))
        } catch {
            throw RPCError.badRequest("invalid_json", "the request body is not the expected JSON: \(Self.describe(error))")
        }
    }

    /// The body, refused with `413 body_too_large` as soon as it is known to be over `limit`: from
    /// its declared length before any of it is read, else once `limit` bytes have arrived. The
    /// connection is then closed after the reply (RequestDeadlines), so the rest is never read.
    static func collectBody(_ request: Request, limit: Int) async throws -> ByteBuffer {
        let tooLarge = RPCError(.contentTooLarge, "body_too_large",
                                "the request body is over \(limit) bytes, the limit for \(request.method) \(request.uri.path)")
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit { throw tooLarge }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field '\(WireJSON.wireKey(key))'"
        case DecodingError.typeMismatch(_, let c): return "wrong type at '\(c.codingPath.map(WireJSON.wireKey).joined(separator: "."))'"
        case DecodingError.valueNotFound(_, let c): return "null at '\(c.codingPath.map(WireJSON.wireKey).joined(separator: "."))'"
        case DecodingError.dataCorrupted: return "malformed JSON"
        default: return "\(error)"
        }
    }

    func hexTransaction(_ text: String) throws -> [UInt8] {
        // Refuse an oversized transaction before decoding its hex.
        guard text.utf8.count <= 2 * TxCodec.maxTransactionBytes + 2 else {
            throw ProtocolError(.oversized, "transaction is \(text.utf8.count / 2) bytes, the limit is \(TxCodec.maxTransactionBytes)")
        }
        guard let bytes = Hex.decode(text) else {
            throw RPCError.badRequest("invalid_hex", "tx must be the lowercase hex of the signed transaction bytes")
        }
        return bytes
    }

    func submit(_ request: Request) async throws -> Response {
        let body = try await decodeBody(request, SubmitRequest.self, limit: Self.maxSingleBody)
        let bytes = try hexTransaction(body.tx)
        let accepted: AcceptedTransaction
        switch try await node.admit([bytes])[0] {
        case .success(let a): accepted = a
        case .failure(let e): throw RPCError(e)
        }
        let tx = accepted.transaction
        let waiting = accepted.queued ? "queued" : "pending"
        guard request.uri.queryParameters["wait"] == "commit" else {
            return .json(SubmitReply(hash: tx.hash.hex, status: waiting, height: nil, index: nil, blockTime: nil, receipt: nil),
                         status: .accepted)
        }
        switch await node.waitForCommit(tx.hash) {
        case let .committed(height, index, receipt, timeMs):
            return .json(SubmitReply(hash: tx.hash.hex, status: "committed", height: height, index: index,
                                     blockTime: UTCTime.rfc3339(timeMs), receipt: ReceiptReply(receipt)))
        case .evicted(let error):
            throw RPCError(.conflict, error.code.name, "transaction \(tx.hash.hex) was dropped from the mempool: \(error.message)")
        case .timedOut:
            let now = node.mempool.lookup(tx.hash)?.1.rawValue ?? waiting
            return .json(SubmitReply(hash: tx.hash.hex, status: now, height: nil, index: nil, blockTime: nil, receipt: nil),
                         status: .accepted)
        }
    }

    func submitBatch(_ request: Request) async throws -> Response {
        let body = try await decodeBody(request, BatchRequest.self, limit: Self.maxBatchBody)
        guard body.txs.count <= Self.maxBatch else {
            throw RPCError.badRequest("batch_too_large", "a batch holds at most \(Self.maxBatch) transactions, got \(body.txs.count)")
        }
        var items = [[UInt8]]()
        items.reserveCapacity(body.txs.count)
        var early = [Int: ProtocolError]()
        for (i, text) in body.txs.enumerated() {
            do {
                items.append(try hexTransaction(text))
            } catch let e as ProtocolError {
                early[i] = e
                items.append([])
            } catch {
                early[i] = ProtocolError(.invalidField, "not hex")
                items.append([])
            }
        }
        let results = try await node.admit(items)
        // `?results=errors` leaves accepted transactions out of the reply (load generators).
        let errorsOnly = request.uri.queryParameters["results"] == "errors"
        var accepted = 0
        var views = [BatchItemReply]()
        views.reserveCapacity(errorsOnly ? 0 : results.count)
        for (i, result) in results.enumerated() {
            if let e = early[i] {
                views.append(BatchItemReply(index: i, hash: nil, accepted: false, status: nil, error: ErrorBody(e)))
                continue
            }
            switch result {
            case .success(let a):
                accepted += 1
                if !errorsOnly {
                    views.append(BatchItemReply(index: i, hash: a.transaction.hash.hex, accepted: true, status: a.queued ? "queued" : "pending",
                                                error: nil))
                }
            case .failure(let e):
                views.append(BatchItemReply(index: i, hash: nil, accepted: false, status: nil, error: ErrorBody(e)))
            }
        }
        return .json(BatchReply(accepted: accepted, rejected: results.count - accepted, results: views))
    }

    // MARK: Devnet controls

    func requireDevnet() throws {
        guard node.config.devnet else {
            throw RPCError(.forbidden, "devnet_only", "this control is only available on a node started in devnet mode")
        }
    }

    func mine(_ request: Request) async throws -> Response {
        try requireDevnet()
        let body = try await decodeBody(request, MineRequest.self, limit: 4096)
        let count = body.blocks ?? 1
        guard (1...1000).contains(count) else {
            throw RPCError.badRequest("invalid_count", "blocks must be between 1 and 1000")
        }
        let blocks = try await node.mine(count)
        let head = try node.store.head()
        return .json(MinedReply(mined: blocks.count, height: head.height, appHash: head.appHash.hex,
                                blockHashes: blocks.map(\.hash.hex)))
    }
}
