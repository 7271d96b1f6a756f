import SolventCore
import SolventCrypto

/// Transactions whose nonce is ahead of their sender's next one, held (not executed) until the
/// missing nonces arrive (transactions.md, "Nonces"); Ethereum's "queued" transactions. At most one
/// per sender and nonce.
struct NonceQueue {
    private var bySender: [Address: [UInt64: Mempool.Entry]] = [:]
    private var byHash: [Bytes32: Mempool.Entry] = [:]

    var count: Int { byHash.count }

    /// The senders with queued transactions, in the order their first one was accepted.
    var senders: [Address] {
        bySender.map { ($0.key, $0.value.values.map(\.key).min() ?? 0) }.sorted { $0.1 < $1.1 }.map(\.0)
    }

    func holds(_ sender: Address) -> Bool { bySender[sender] != nil }

    func entry(hash: Bytes32) -> Mempool.Entry? { byHash[hash] }
    func entry(sender: Address, nonce: UInt64) -> Mempool.Entry? { bySender[sender]?[nonce] }

    mutating func insert(_ entry: Mempool.Entry) {
        bySender[entry.sender, default: [:]][entry.nonce] = entry
        byHash[entry.hash] = entry
    }

    mutating func remove(sender: Address, nonce: UInt64) -> Mempool.Entry? {
        guard let entry = bySender[sender]?.removeValue(forKey: nonce) else { return nil }
        if bySender[sender]?.isEmpty == true { bySender[sender] = nil }
        byHash[entry.hash] = nil
        return entry
    }

    /// Removes and returns the entries `matching`, in key (acceptance) order.
    mutating func removeAll(where matching: (Mempool.Entry) -> Bool) -> [Mempool.Entry] {
        let gone = byHash.values.filter(matching).sorted { $0.key < $1.key }
        for entry in gone { _ = remove(sender: entry.sender, nonce: entry.nonce) }
        return gone
    }

    /// A sender's queued entries with a nonce below `nonce`, in nonce order.
    func entries(of sender: Address, below nonce: UInt64) -> [Mempool.Entry] {
        (bySender[sender] ?? [:]).values.filter { $0.nonce < nonce }.sorted { $0.nonce < $1.nonce }
    }
}
