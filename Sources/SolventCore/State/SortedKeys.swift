#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A sorted set of byte-string keys that stays cheap to insert into as it grows: the keys live
/// in sorted chunks of at most `maxChunk`, so an insertion shifts one chunk, not every key (a
/// plain sorted array made a block that writes many new keys quadratic).
struct SortedKeys {
    static let maxChunk = 512

    private var chunks: [[[UInt8]]] = []
    private(set) var count = 0

    /// Position of a key: chunk index and offset in it.
    struct Cursor {
        var chunk: Int
        var offset: Int
    }

    /// Inserts `key` unless present.
    mutating func insert(_ key: [UInt8]) {
        guard !chunks.isEmpty else {
            chunks = [[key]]
            count = 1
            return
        }
        // The chunk whose range holds the key: the first whose last key is not below it (else the last chunk).
        var c = Self.firstChunk(chunks, notBelow: key)
        if c == chunks.count { c -= 1 }
        let at = Self.lowerBound(chunks[c], key)
        if at < chunks[c].count, chunks[c][at] == key { return }
        chunks[c].insert(key, at: at)
        count += 1
        if chunks[c].count > Self.maxChunk {
            let upper = Array(chunks[c][(Self.maxChunk / 2)...])
            chunks[c].removeSubrange((Self.maxChunk / 2)...)
            chunks.insert(upper, at: c + 1)
        }
    }

    /// Removes `key` if present; an emptied chunk goes, so no chunk is ever empty.
    mutating func remove(_ key: [UInt8]) {
        let c = Self.firstChunk(chunks, notBelow: key)
        guard c < chunks.count else { return }
        let at = Self.lowerBound(chunks[c], key)
        guard at < chunks[c].count, chunks[c][at] == key else { return }
        chunks[c].remove(at: at)
        count -= 1
        if chunks[c].isEmpty { chunks.remove(at: c) }
    }

    /// The first key not below `key`.
    func cursor(notBelow key: [UInt8]) -> Cursor {
        let c = Self.firstChunk(chunks, notBelow: key)
        guard c < chunks.count else { return Cursor(chunk: chunks.count, offset: 0) }
        return Cursor(chunk: c, offset: Self.lowerBound(chunks[c], key))
    }

    func key(at cursor: Cursor) -> [UInt8]? {
        guard cursor.chunk < chunks.count, cursor.offset < chunks[cursor.chunk].count else { return nil }
        return chunks[cursor.chunk][cursor.offset]
    }

    func next(_ cursor: Cursor) -> Cursor {
        var c = cursor
        c.offset += 1
        if c.offset >= chunks[c.chunk].count {
            c.chunk += 1
            c.offset = 0
        }
        return c
    }

    private static func firstChunk(_ chunks: [[[UInt8]]], notBelow key: [UInt8]) -> Int {
        var low = 0, high = chunks.count
        while low < high {
            let mid = (low + high) / 2
            if Self.less(chunks[mid].last!, key) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The first index whose key is not below `key`.
    static func lowerBound(_ keys: [[UInt8]], _ key: [UInt8]) -> Int {
        var low = 0, high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if Self.less(keys[mid], key) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Byte order of two keys (`lexicographicallyPrecedes`, by memcmp: keys are compared on
    /// every insertion and scan step).
    static func less(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in
                let n = min(x.count, y.count)
                let c = n == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, n)
                return c < 0 || (c == 0 && x.count < y.count)
            }
        }
    }
}
