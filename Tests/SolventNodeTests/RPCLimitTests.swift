import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SolventNode

/// The RPC server's limits (rpc.md, "Limits") through a raw socket to a real server on
/// 127.0.0.1, with short timeouts so each test takes a second or two. Every read is bounded.
@Suite struct RPCLimitTests {
    /// Starts a node with `limits`, sends `request` on a fresh connection and reads until the node
    /// closes it or `seconds` pass.
    private func answer(to request: String, limits: RPCLimits = RPCLimits(), seconds: Int = 10) async throws
        -> (bytes: [UInt8], closed: Bool, http: HTTPAnswer) {
        try await NodeFixtures.withNode(live: true, rpcLimits: limits) { _, client in
            let socket = try RawClient(port: try #require(client.port))
            await socket.send(request)
            return await socket.readToEnd(seconds: seconds)
        }
    }

    @Test func anOversizedHeadGets431AndTheConnectionCloses() async throws {
        let header = String(repeating: "a", count: 20_000)  // over the 16 KiB limit
        let answer = try await answer(to: "GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Big: \(header)\r\n\r\n")
        #expect(answer.closed)
        #expect(answer.http.status == 431)
        #expect(answer.http.code == "header_too_large")
    }

    @Test func aDeclaredOversizedBodyGets413BeforeAnyOfItIsSent() async throws {
        let answer = try await answer(
            to: "POST /v1/txs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n")
        #expect(answer.http.status == 413)
        #expect(answer.http.code == "body_too_large")
        #expect(answer.closed, "the node closes instead of reading the 100 MB it refused")
    }

    @Test func aHalfSentHeadGets408AfterTheHeadTimeout() async throws {
        var limits = RPCLimits()
        limits.headTimeout = .seconds(1)
        let answer = try await answer(to: "GET /v1/status HTTP/1.1\r\nHost: x\r\n", limits: limits, seconds: 15)
        #expect(answer.closed)
        #expect(answer.http.status == 408)
        #expect(answer.http.code == "request_timeout")
    }

    @Test func anIdleConnectionIsClosedAfterTheIdleTimeout() async throws {
        var limits = RPCLimits()
        limits.idleTimeout = .seconds(1)
        try await NodeFixtures.withNode(live: true, rpcLimits: limits) { _, client in
            let socket = try RawClient(port: try #require(client.port))
            // One request first: the idle timeout also runs between requests on a kept-alive connection.
            await socket.send("GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
            let answer = await socket.readToEnd(seconds: 15)
            #expect(answer.http.status == 200)
            #expect(answer.closed, "closed once idle for the idle timeout")
        }
    }

    @Test func connectionsPastTheCapGet503AndAreClosed() async throws {
        var limits = RPCLimits()
        limits.maxConnections = 3  // the test framework's own client holds one
        try await NodeFixtures.withNode(live: true, rpcLimits: limits) { _, client in
            let port = try #require(client.port)
            // Two kept-alive connections that have been served hold both slots.
            var held = [RawClient]()
            for _ in 0..<2 {
                let socket = try RawClient(port: port)
                await socket.send("GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
                let answer = await socket.readUntil(seconds: 10) { HTTPAnswer($0).isComplete }
                #expect(answer.http.status == 200)
                held.append(socket)
            }
            let refused = try RawClient(port: port)
            let answer = await refused.readToEnd(seconds: 10)
            #expect(answer.http.status == 503)
            #expect(answer.http.code == "too_many_connections")
            #expect(answer.closed)
            held.removeAll()  // closes them: a slot is free again
            try await Task.sleep(for: .milliseconds(300))
            let again = try RawClient(port: port)
            await again.send("GET /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(await again.readToEnd(seconds: 10).http.status == 200)
        }
    }

    // MARK: Block stream

    /// A subscriber that stops reading is kept while fewer blocks than its buffer wait for it;
    /// once more do, it is cut off: the blocks the sockets already held, then `lagged`, then a
    /// close frame. The buffer is 4 here (1,024 in production, shown by tools/http-hostile); the
    /// 256 KiB socket buffer still holds a few hundred blocks, hence 1,000 mined.
    @Test func aSubscriberThatStopsReadingIsCutOffWithLaggedAndAClose() async throws {
        var limits = RPCLimits()
        limits.streamBuffer = 4
        limits.streamCloseTimeout = .seconds(60)
        try await NodeFixtures.withNode(live: true, rpcLimits: limits) { _, client in
            let socket = try RawClient(port: try #require(client.port), receiveBuffer: 4096)
            let hello = try await socket.upgrade()
            #expect(hello["type"] as? String == "hello")

            _ = try await client.mine(3)
            let few = await socket.readFrames(seconds: 10) { frames in StreamFrames(frames).blocks.count == 3 }
            #expect(few.blocks == [1, 2, 3])
            #expect(!few.closed && few.lagged == nil)

            // Read nothing meanwhile. Mined 100 at a time: the test client gives up on a request
            // with no answer for 15 s, which 1,000 blocks at once can exceed on a loaded machine.
            for _ in 0..<10 { _ = try await client.mine(100) }
            let rest = await socket.readFrames(seconds: 30) { StreamFrames($0).closeCode != nil }
            let lagged = try #require(rest.lagged)
            #expect(rest.blocks == Array(4..<lagged), "the blocks before the notice come in order without a gap")
            #expect(lagged <= 1003 - 4, "cut off only once more than the buffer waited")
            #expect(rest.closeCode == 1000)
        }
    }

    /// A subscriber that never reads again: after the cut-off the node waits `streamCloseTimeout`
    /// for its socket, then closes the connection; what the client finds is the blocks its socket
    /// held, then the end of the connection, with no notice and no close frame.
    @Test func aSubscriberThatNeverReadsAgainIsClosedAfterTheCloseTimeout() async throws {
        var limits = RPCLimits()
        limits.streamBuffer = 4
        limits.streamCloseTimeout = .seconds(1)
        try await NodeFixtures.withNode(live: true, rpcLimits: limits) { _, client in
            let socket = try RawClient(port: try #require(client.port), receiveBuffer: 4096)
            _ = try await socket.upgrade()
            for _ in 0..<10 { _ = try await client.mine(100) }
            try await Task.sleep(for: .seconds(3))
            let rest = await socket.readFrames(seconds: 30) { _ in false }
            #expect(rest.closed)
            #expect(rest.lagged == nil && rest.closeCode == nil)
            #expect(!rest.blocks.isEmpty && rest.blocks.count < 1000)
        }
    }

    // MARK: Event bus

    @Test func theBusCutsOffASubscriberWhoseBufferOverflowsAndOnlyThatOne() async throws {
        let bus = EventBus<Int>(bufferSize: 2)
        let cutOffs = CallCounter()
        let slow = bus.subscribe(onCutOff: { cutOffs.add() })
        for i in 1...2 { #expect(bus.publish(i).isEmpty) }
        #expect(bus.publish(3) == [slow.id])
        #expect(cutOffs.count == 1)
        var received = [Int]()
        for await m in slow.messages { received.append(m) }
        #expect(received == [1, 2], "what was buffered is still delivered; the stream then ends")

        let leaving = CallCounter()
        let other = bus.subscribe(onCutOff: { leaving.add() })
        bus.unsubscribe(other.id)
        let stopping = CallCounter()
        let stays = bus.subscribe(onCutOff: { stopping.add() })
        bus.finishAll()
        #expect(leaving.count == 0, "leaving on its own is not a cut-off")
        #expect(stopping.count == 1)
        #expect(bus.subscriberCount == 0)
        withExtendedLifetime(stays) {}
    }
}

final class CallCounter: Sendable {
    private let value = Mutex<Int>(0)
    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

/// A blocking TCP client on 127.0.0.1 with every read bounded by a deadline.
final class RawClient {
    private let fd: Int32

    init(port: Int, receiveBuffer: Int? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawClientError("socket: errno \(errno)") }
        if var size = receiveBuffer.map({ Int32($0) }) {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw RawClientError("connect: errno \(errno)")
        }
        // Non-blocking, polled with short sleeps: a blocking read would hold one of the few
        // threads of the concurrency pool that the server under test runs its handlers on.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(fd) }

    func send(_ text: String) async {
        let bytes = Array(text.utf8)
        var offset = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while offset < bytes.count && ContinuousClock.now < deadline {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                offset += n
            } else if n < 0 && errno != EAGAIN && errno != EWOULDBLOCK {
                return
            } else {
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    /// Reads until `done` holds for what has arrived, the server closes, or `seconds` pass.
    func readUntil(seconds: Int, _ done: ([UInt8]) -> Bool) async -> (bytes: [UInt8], closed: Bool, http: HTTPAnswer) {
        var bytes = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = ContinuousClock.now + .seconds(seconds)
        var closed = false
        var finished = done(bytes)
        while ContinuousClock.now < deadline && !finished {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 {
                bytes += buffer[0..<n]
                finished = done(bytes)
            } else if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                closed = true
                break
            } else {
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        return (bytes, closed, HTTPAnswer(bytes))
    }

    func readToEnd(seconds: Int) async -> (bytes: [UInt8], closed: Bool, http: HTTPAnswer) {
        await readUntil(seconds: seconds) { _ in false }
    }

    /// Upgrades to the block stream and returns its `hello` message.
    func upgrade() async throws -> [String: Any] {
        await send("GET /v1/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        let reply = await readUntil(seconds: 10) { bytes in
            guard let end = HTTPAnswer.headEnd(bytes) else { return false }
            return !StreamFrames(Array(bytes[end...]).frames).texts.isEmpty
        }
        guard reply.http.status == 101, let end = HTTPAnswer.headEnd(reply.bytes),
              let hello = StreamFrames(Array(reply.bytes[end...]).frames).texts.first else {
            throw RawClientError("no upgrade: \(String(decoding: reply.bytes.prefix(200), as: UTF8.self))")
        }
        pending = Array(reply.bytes[end...])
        pending = Array(pending.dropFirst(pending.frameLengths.first ?? 0))
        return hello
    }

    /// Bytes of frames read past the last complete frame handed out.
    private var pending = [UInt8]()

    func readFrames(seconds: Int, until done: ([StreamFrame]) -> Bool) async -> StreamFrames {
        let start = pending
        let read = await readUntil(seconds: seconds) { bytes in done((start + bytes).frames) }
        let all = start + read.bytes
        let frames = all.frames
        pending = Array(all.dropFirst(all.frameLengths.reduce(0, +)))
        var result = StreamFrames(frames)
        result.closed = read.closed
        return result
    }
}

struct RawClientError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// An HTTP/1.1 answer as far as it arrived: status line and JSON body.
struct HTTPAnswer {
    let status: Int?
    let json: [String: Any]
    let isComplete: Bool

    var code: String? { (json["error"] as? [String: Any])?["code"] as? String }

    init(_ bytes: [UInt8]) {
        guard let end = Self.headEnd(bytes) else {
            status = nil; json = [:]; isComplete = false
            return
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        let body = Data(bytes[end...])
        json = ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:]
        isComplete = body.count >= length
    }

    /// The index just past the blank line that ends the head.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i + 4
        }
        return nil
    }
}

/// A server WebSocket frame (unmasked): opcode and payload.
struct StreamFrame {
    let opcode: UInt8
    let payload: [UInt8]
}

/// What a block-stream client saw: block heights, the `lagged` notice's height, the close code.
struct StreamFrames {
    var texts = [[String: Any]]()
    var blocks = [Int]()
    var lagged: Int?
    var closeCode: Int?
    var closed = false

    init(_ frames: [StreamFrame]) {
        for frame in frames {
            if frame.opcode == 8 {
                closeCode = frame.payload.count >= 2 ? Int(frame.payload[0]) << 8 | Int(frame.payload[1]) : 0
            } else if frame.opcode == 1,
                      let object = (try? JSONSerialization.jsonObject(with: Data(frame.payload))) as? [String: Any] {
                texts.append(object)
                switch object["type"] as? String {
                case "block": blocks.append((object["block"] as? [String: Any])?["height"] as? Int ?? -1)
                case "lagged": lagged = object["height"] as? Int
                default: break
                }
            }
        }
    }
}

extension Array where Element == UInt8 {
    /// The lengths of the complete frames at the start of these bytes.
    var frameLengths: [Int] {
        var lengths = [Int]()
        var i = 0
        while i + 2 <= count {
            var length = Int(self[i + 1] & 0x7F)
            var header = 2
            if length == 126 {
                guard i + 4 <= count else { break }
                length = Int(self[i + 2]) << 8 | Int(self[i + 3])
                header = 4
            } else if length == 127 {
                guard i + 10 <= count else { break }
                length = (0..<8).reduce(0) { $0 << 8 | Int(self[i + 2 + $1]) }
                header = 10
            }
            guard i + header + length <= count else { break }
            lengths.append(header + length)
            i += header + length
        }
        return lengths
    }

    var frames: [StreamFrame] {
        var out = [StreamFrame]()
        var i = 0
        for length in frameLengths {
            let headerSize = self[i + 1] & 0x7F == 126 ? 4 : self[i + 1] & 0x7F == 127 ? 10 : 2
            out.append(StreamFrame(opcode: self[i] & 0x0F, payload: Array(self[(i + headerSize)..<(i + length)])))
            i += length
        }
        return out
    }
}
