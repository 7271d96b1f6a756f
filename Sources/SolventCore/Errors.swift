/// A refusal or failure the protocol reports to users: a stable machine-readable code plus a
/// human message. The code is what RPC responses, receipts and the CLI print, and what clients
/// branch on; the message may be reworded, the code never.
///
/// The numeric value of each code is committed in receipts (see contracts-spec/errors.md); new
/// codes are only ever appended. The message is stored beside the receipt but never hashed.
public struct ProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = Self.rewording.map { $0(code, message) } ?? message
    }

    /// Rewords every message made in the current task: tests set it to show that no message
    /// reaches an app hash or a receipts root (errors.md, "Messages"). Nil everywhere else.
    @TaskLocal public static var rewording: (@Sendable (Code, String) -> String)?

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
        public static let queueFull = Code(207, "queue_full")
        public static let nonceQueued = Code(208, "nonce_queued")

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
        public static let unauthorized = Code(310, "unauthorized")
        public static let devnetOnly = Code(311, "devnet_only")
        public static let arithmeticOverflow = Code(312, "arithmetic_overflow")

        // Oracle (4xx): price updates and their guards.
        public static let unknownOracleMarket = Code(400, "unknown_oracle_market")
        public static let oracleQuorumNotMet = Code(401, "oracle_quorum_not_met")
        public static let oracleUnknownSigner = Code(402, "oracle_unknown_signer")
        public static let oracleDuplicateSigner = Code(403, "oracle_duplicate_signer")
        public static let oracleBadSignature = Code(404, "oracle_bad_signature")
        public static let oracleWrongChain = Code(405, "oracle_wrong_chain")
        public static let oracleWrongMarket = Code(406, "oracle_wrong_market")
        public static let oracleReportTooOld = Code(407, "oracle_report_too_old")
        public static let oracleReportInFuture = Code(408, "oracle_report_in_future")
        public static let oracleReportReplayed = Code(409, "oracle_report_replayed")
        public static let oracleReportNotNewer = Code(410, "oracle_report_not_newer")
        public static let oracleUpdateTooSoon = Code(411, "oracle_update_too_soon")
        public static let oracleStale = Code(412, "oracle_stale")
        public static let oracleNoPrice = Code(413, "oracle_no_price")
        public static let oracleSignerExists = Code(414, "oracle_signer_exists")
        public static let invalidOracleConfig = Code(415, "invalid_oracle_config")

        // Markets (5xx): orders, positions and margin.
        public static let unknownMarket = Code(500, "unknown_market")
        public static let invalidMarket = Code(501, "invalid_market")
        public static let marketPaused = Code(502, "market_paused")
        public static let invalidOrderSize = Code(503, "invalid_order_size")
        public static let invalidOrderPrice = Code(504, "invalid_order_price")
        public static let postOnlyWouldCross = Code(505, "post_only_would_cross")
        public static let reduceOnlyWouldIncrease = Code(506, "reduce_only_would_increase")
        public static let orderNotFound = Code(507, "order_not_found")
        public static let notOrderOwner = Code(508, "not_order_owner")
        public static let insufficientMargin = Code(509, "insufficient_margin")
        public static let vaultMarketMismatch = Code(510, "vault_market_mismatch")
        public static let assetNotCollateral = Code(511, "asset_not_collateral")
        public static let positionTooLarge = Code(512, "position_too_large")
        public static let vaultExists = Code(513, "vault_exists")
        public static let invalidOrder = Code(514, "invalid_order")
        public static let marketSettled = Code(515, "market_settled")

        // Liquidations (6xx): the liquidation transaction, the insurance fund and ADL.
        public static let vaultNotLiquidatable = Code(600, "vault_not_liquidatable")
        public static let positionNotFound = Code(601, "position_not_found")
        public static let alreadyLiquidated = Code(602, "already_liquidated")
        public static let liquidationCapReached = Code(603, "liquidation_cap_reached")
        public static let invalidLiquidation = Code(604, "invalid_liquidation")
        public static let keeperInsufficientMargin = Code(605, "keeper_insufficient_margin")
        public static let invalidLiquidationConfig = Code(606, "invalid_liquidation_config")
        public static let liquidateOtherMarketFirst = Code(607, "liquidate_other_market_first")
        public static let unsoundLiquidationParameters = Code(608, "unsound_liquidation_parameters")

        // Collateral auctions (62x): auction_start, auction_take, auction_redo, auction_set_config.
        public static let auctionNotAllowed = Code(620, "auction_not_allowed")
        public static let auctionExists = Code(621, "auction_exists")
        public static let auctionNotFound = Code(622, "auction_not_found")
        public static let auctionStale = Code(623, "auction_stale")
        public static let auctionNotStale = Code(624, "auction_not_stale")
        public static let auctionPriceAboveMax = Code(625, "auction_price_above_max")
        public static let invalidAuction = Code(626, "invalid_auction")
        public static let invalidAuctionConfig = Code(627, "invalid_auction_config")

        /// Every code, in number order: the table in contracts-spec/errors.md lists the same.
        public static let all: [Code] = [
            truncated, trailingBytes, oversized, unknownVersion, unknownKind, fieldTooLong, invalidField,
            wrongChainId, badSignature, nonceTooLow, nonceTooHigh, alreadyKnown, mempoolFull, senderPendingLimit,
            queueFull, nonceQueued,
            accountNotFound, insufficientBalance, balanceOverflow, amountZero, amountTooLarge, unknownAsset,
            vaultNotFound, vaultNumberGap, vaultLimit, selfTransfer, unauthorized, devnetOnly, arithmeticOverflow,
            unknownOracleMarket, oracleQuorumNotMet, oracleUnknownSigner, oracleDuplicateSigner, oracleBadSignature,
            oracleWrongChain, oracleWrongMarket, oracleReportTooOld, oracleReportInFuture, oracleReportReplayed,
            oracleReportNotNewer, oracleUpdateTooSoon, oracleStale, oracleNoPrice, oracleSignerExists, invalidOracleConfig,
            unknownMarket, invalidMarket, marketPaused, invalidOrderSize, invalidOrderPrice, postOnlyWouldCross,
            reduceOnlyWouldIncrease, orderNotFound, notOrderOwner, insufficientMargin, vaultMarketMismatch,
            assetNotCollateral, positionTooLarge, vaultExists, invalidOrder, marketSettled,
            vaultNotLiquidatable, positionNotFound, alreadyLiquidated, liquidationCapReached, invalidLiquidation,
            keeperInsufficientMargin, invalidLiquidationConfig, liquidateOtherMarketFirst, unsoundLiquidationParameters,
            auctionNotAllowed, auctionExists, auctionNotFound, auctionStale, auctionNotStale, auctionPriceAboveMax, invalidAuction,
            invalidAuctionConfig,
        ]

        private static let byNumber: [UInt16: Code] = Dictionary(uniqueKeysWithValues: all.map { ($0.number, $0) })
        private static let byName: [String: Code] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

        public static func from(number: UInt16) -> Code? { byNumber[number] }
        public static func from(name: String) -> Code? { byName[name] }
    }
}
