/// A refusal or failure the protocol reports to users: a stable machine-readable code plus a
/// human message. The code is what RPC responses, receipts and the CLI print, and what clients
/// branch on; the message may be reworded, the code never.
///
/// The numeric value of each code is stored in receipts (see contracts-spec/errors.md); new codes
/// are only ever appended.
public struct ProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.name): \(message)" }

    public struct Code: Hashable, Sendable, Comparable {
        public let number: UInt16
        public let name: String

        private init(_ number: UInt16, _ name: String) {
            self.number = number
            self.name = name
        }

        public static func < (a: Code, b: Code) -> Bool { a.number < b.number }

        // Encoding (1xx): the bytes are not a well-formed transaction.
        public static let truncated = Code(100, "truncated")
        public static let trailingBytes = Code(101, "trailing_bytes")
        public static let oversized = Code(102, "oversized")
        public static let unknownVersion = Code(103, "unknown_version")
        public static let unknownKind = Code(104, "unknown_kind")
        public static let fieldTooLong = Code(105, "field_too_long")
        public static let invalidField = Code(106, "invalid_field")

        // Authentication (2xx): well-formed but not acceptable from this sender on this chain.
        public static let wrongChainId = Code(200, "wrong_chain_id")
        public static let badSignature = Code(201, "bad_signature")
        public static let nonceTooLow = Code(202, "nonce_too_low")
        public static let nonceTooHigh = Code(203, "nonce_too_high")
        public static let alreadyKnown = Code(204, "already_known")
        public static let mempoolFull = Code(205, "mempool_full")
        public static let senderPendingLimit = Code(206, "sender_pending_limit")

        // Execution (3xx): the transaction is valid but its effect is refused.
        public static let accountNotFound = Code(300, "account_not_found")
        public static let insufficientBalance = Code(301, "insufficient_balance")
        public static let balanceOverflow = Code(302, "balance_overflow")
        public static let amountZero = Code(303, "amount_zero")
        public static let amountTooLarge = Code(304, "amount_too_large")
        public static let unknownAsset = Code(305, "unknown_asset")
        public static let vaultNotFound = Code(306, "vault_not_found")
        public static let vaultNumberGap = Code(307, "vault_number_gap")
        public static let vaultLimit = Code(308, "vault_limit")
        public static let selfTransfer = Code(309, "self_transfer")

        /// Every code, in number order: the table in contracts-spec/errors.md lists the same.
        public static let all: [Code] = [
            truncated, trailingBytes, oversized, unknownVersion, unknownKind, fieldTooLong, invalidField,
            wrongChainId, badSignature, nonceTooLow, nonceTooHigh, alreadyKnown, mempoolFull, senderPendingLimit,
            accountNotFound, insufficientBalance, balanceOverflow, amountZero, amountTooLarge, unknownAsset,
            vaultNotFound, vaultNumberGap, vaultLimit, selfTransfer,
        ]

        private static let byNumber: [UInt16: Code] = Dictionary(uniqueKeysWithValues: all.map { ($0.number, $0) })
        private static let byName: [String: Code] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

        public static func from(number: UInt16) -> Code? { byNumber[number] }
        public static func from(name: String) -> Code? { byName[name] }
    }
}
