import SolventCrypto

/// Binary Merkle root as in RFC 6962 section 2.1 (Certificate Transparency), over SHA-256:
/// leaf = SHA-256(0x00 || item), node = SHA-256(0x01 || left || right), the list split at the
/// largest power of two smaller than its length; the root of no items is SHA-256 of nothing.
public enum MerkleRoot {
    public static func of(_ items: [Bytes32]) -> Bytes32 {
        if items.isEmpty { return SHA256.hash([UInt8]()) }
        return root(items[...])
    }

    private static func root(_ items: ArraySlice<Bytes32>) -> Bytes32 {
        if items.count == 1 {
            var leaf: [UInt8] = [0x00]
            items.first!.appendBytes(to: &leaf)
            return SHA256.hash(leaf)
        }
        var split = 1
        while split * 2 < items.count { split *= 2 }
        let mid = items.startIndex + split
        var node: [UInt8] = [0x01]
        root(items[..<mid]).appendBytes(to: &node)
        root(items[mid...]).appendBytes(to: &node)
        return SHA256.hash(node)
    }
}
