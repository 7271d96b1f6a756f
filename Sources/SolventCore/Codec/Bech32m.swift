/// Bech32m (BIP-350) text encoding, used for addresses so that a mistyped address is caught by
/// its checksum instead of sending funds to a key nobody holds.
public enum Bech32m {
    private static let charset: [UInt8] = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    private static let constant: UInt32 = 0x2bc8_30a3

    private static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in charset.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    private static func polymod(_ values: [UInt8]) -> UInt32 {
        let generators: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var chk: UInt32 = 1
        for v in values {
            let top = chk >> 25
            chk = (chk & 0x1ff_ffff) << 5 ^ UInt32(v)
            for i in 0..<5 where (top >> UInt32(i)) & 1 == 1 { chk ^= generators[i] }
        }
        return chk
    }

    private static func expand(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    /// Regroups bits; `pad` adds zero bits at the end (encoding), otherwise leftover bits must be zero.
    private static func convertBits(_ data: [UInt8], from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var acc = 0, bits = 0
        var out = [UInt8]()
        let maxv = (1 << to) - 1
        for value in data {
            guard Int(value) >> from == 0 else { return nil }
            acc = (acc << from) | Int(value)
            bits += from
            while bits >= to {
                bits -= to
                out.append(UInt8((acc >> bits) & maxv))
            }
        }
        if pad {
            if bits > 0 { out.append(UInt8((acc << (to - bits)) & maxv)) }
        } else if bits >= from || ((acc << (to - bits)) & maxv) != 0 {
            return nil
        }
        return out
    }

    @inline(__always)
    private static func step(_ chk: UInt32) -> UInt32 {
        let top = chk >> 25
        var c = (chk & 0x1ff_ffff) << 5
        if top & 1 != 0 { c ^= 0x3b6a_57b2 }
        if top & 2 != 0 { c ^= 0x2650_8e6d }
        if top & 4 != 0 { c ^= 0x1ea1_19fa }
        if top & 8 != 0 { c ^= 0x3d42_33dd }
        if top & 16 != 0 { c ^= 0x2a14_62b3 }
        return c
    }

    /// Encodes in one pass: regrouping into 5-bit values and the checksum run together.
    public static func encode(hrp: String, data: [UInt8]) -> String {
        let h = Array(hrp.utf8)
        var chk: UInt32 = 1
        for c in h { chk = step(chk) ^ UInt32(c >> 5) }
        chk = step(chk)
        for c in h { chk = step(chk) ^ UInt32(c & 31) }
        var out = [UInt8]()
        out.reserveCapacity(h.count + 8 + (data.count * 8 + 4) / 5)
        out.append(contentsOf: h)
        out.append(UInt8(ascii: "1"))
        var acc: UInt32 = 0
        var bits = 0
        for byte in data {
            acc = (acc << 8 | UInt32(byte)) & 0xfff
            bits += 8
            while bits >= 5 {
                bits -= 5
                let v = (acc >> UInt32(bits)) & 31
                chk = step(chk) ^ v
                out.append(charset[Int(v)])
            }
        }
        if bits > 0 {
            let v = (acc << UInt32(5 - bits)) & 31
            chk = step(chk) ^ v
            out.append(charset[Int(v)])
        }
        for _ in 0..<6 { chk = step(chk) }
        chk ^= constant
        for i in 0..<6 { out.append(charset[Int((chk >> UInt32(5 * (5 - i))) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes and checks the checksum; returns nil for a wrong prefix, bad character, mixed case or bad checksum.
    public static func decode(_ text: String, expectedHRP: String) -> [UInt8]? {
        let lower = text.lowercased()
        guard lower == text || text.uppercased() == text else { return nil }
        let chars = Array(lower.utf8)
        guard let sep = chars.lastIndex(of: UInt8(ascii: "1")), sep >= 1, chars.count - sep - 1 >= 6 else { return nil }
        let hrp = Array(chars[..<sep])
        guard hrp == Array(expectedHRP.utf8) else { return nil }
        var values = [UInt8]()
        for c in chars[(sep + 1)...] {
            guard c < 128, reverse[Int(c)] >= 0 else { return nil }
            values.append(UInt8(reverse[Int(c)]))
        }
        guard polymod(expand(hrp) + values) == constant else { return nil }
        return convertBits(Array(values.dropLast(6)), from: 5, to: 8, pad: false)
    }
}
