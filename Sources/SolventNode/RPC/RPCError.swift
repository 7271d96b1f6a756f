import Foundation
import Hummingbird
import SolventCore
import SolventStore
import SolventWire

/// An RPC failure: an HTTP status plus the stable code and message every client sees, rendered as
/// `{"error": {"code": "...", "message": "..."}}`. Bad input is always a 4xx; only a fault inside
/// the node (the store failing) is a 5xx.
struct RPCError: HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// A protocol refusal, with the status that tells a client whether retrying can help.
    init(_ error: ProtocolError) {
        let status: HTTPResponse.Status
        switch error.code {
        case .mempoolFull, .queueFull: status = .serviceUnavailable
        case .senderPendingLimit: status = .tooManyRequests
        case .alreadyKnown: status = .conflict
        default: status = .badRequest
        }
        self.init(status, error.code.name, error.message)
    }

    static func badRequest(_ code: String, _ message: String) -> RPCError { RPCError(.badRequest, code, message) }
    static func notFound(_ message: String) -> RPCError { RPCError(.notFound, "not_found", message) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response.json(["error": ["code": code, "message": message]], status: status)
    }
}

/// Turns every error a route or the router throws into the JSON error shape, so no request ever
/// gets an empty or HTML body, and nothing a client sends produces a 500.
struct ErrorShapingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as RPCError {
            throw error
        } catch let error as ProtocolError {
            throw RPCError(error)
        } catch let error as HTTPError {
            throw RPCError(error.status, Self.code(for: error.status), error.body ?? Self.message(for: error.status, request))
        } catch let error as any HTTPResponseError {
            throw RPCError(error.status, Self.code(for: error.status), "\(error)")
        } catch {
            context.logger.error("internal error serving \(request.uri.path): \(error)")
            throw RPCError(.internalServerError, "internal_error", "the node failed to serve this request: \(error)")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: return "not_found"
        case 405: return "method_not_allowed"
        case 413: return "body_too_large"
        case 400: return "bad_request"
        default: return "http_\(status.code)"
        }
    }

    static func message(for status: HTTPResponse.Status, _ request: Request) -> String {
        switch status.code {
        case 404: return "no route for \(request.method) \(request.uri.path)"
        case 405: return "\(request.method) is not allowed on \(request.uri.path)"
        case 413: return "the request body is larger than this route accepts"
        default: return status.reasonPhrase
        }
    }
}

extension Response {
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        json(WireJSON.encode(value), status: status)
    }
}
