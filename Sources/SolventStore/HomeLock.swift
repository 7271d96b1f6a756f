#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a node home, held by the one process working on it (storage.md, "The
/// home lock"): `solventd start` and `devnet` for the node's lifetime, `replay` and `load` while
/// they run.
///
/// It is a `flock` on the file `HOME/node.lock`, which holds the holder's PID and command. The
/// kernel releases a `flock` when its holder exits in any way, kill -9 included, so a lock can
/// never outlive its process; the file left behind is harmless, and the next holder rewrites it.
public final class HomeLock: @unchecked Sendable {
    public let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    /// Takes the lock on `file` for `command`, without waiting; if another process holds it, throws
    /// `home_in_use` naming `home` and the holder's PID.
    public static func acquire(file: String, home: String, command: String) throws -> HomeLock {
        let fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError(.homeLockFailed, "cannot open the lock file \(file): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            let holder = Self.holder(fd)
            close(fd)
            guard failure == EWOULDBLOCK else {
                throw StoreError(.homeLockFailed, "cannot lock \(file): \(String(cString: strerror(failure)))")
            }
            let who = holder.map { "pid \($0.pid)\($0.command.isEmpty ? "" : ", solventd \($0.command)")" } ?? "pid unknown"
            throw StoreError(.homeInUse, "\(home) is held by a running solventd (\(who)); stop it first, or use another home")
        }
        let text = Array("\(getpid())\n\(command)\n".utf8)
        // The content is for people and error messages; the lock is the flock itself.
        guard ftruncate(fd, 0) == 0, text.withUnsafeBytes({ pwrite(fd, $0.baseAddress, $0.count, 0) }) == text.count else {
            close(fd)
            throw StoreError(.homeLockFailed, "cannot write the lock file \(file): \(String(cString: strerror(errno)))")
        }
        return HomeLock(path: file, fd: fd)
    }

    /// The PID and command written in the lock file open at `fd`, if it reads as one.
    static func holder(_ fd: Int32) -> (pid: Int32, command: String)? {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let lines = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard let pid = Int32(lines[0]), pid > 0 else { return nil }
        return (pid, lines.count > 1 ? String(lines[1]) : "")
    }

    /// Releases the lock (also done when the lock is deallocated or the process exits).
    public func release() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    deinit { release() }
}
