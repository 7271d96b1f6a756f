import SolventWire

// What the client reads off the node's replies (SolventWire) beyond their fields.

extension ReceiptReply {
    public var succeeded: Bool { code == "ok" }
}

extension EventReply {
    /// One line for people: the type, then the attributes as key=value in key order.
    public var summary: String {
        "\(type) " + attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}

extension ActionReply {
    /// One line for people: "send 100 USDC to sv1...", "oracle_update BTC-USD (3 reports)".
    public var summary: String {
        var parts = [type]
        if let amount, let asset { parts.append("\(amount) \(asset)") }
        if let to { parts.append("to \(to)") }
        if let vault { parts.append("vault \(vault)") }
        if let market { parts.append("\(market) (\(reports?.count ?? 0) reports)") }
        if let signer { parts.append(signer) }
        if let side, let size, let price { parts.append("\(side) \(size) @ \(price) in market \(marketId ?? 0)") }
        if let orderId { parts.append("order \(orderId)") }
        if let mode { parts.append(mode) }
        return parts.joined(separator: " ")
    }
}
