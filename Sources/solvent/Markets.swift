import ArgumentParser
import Foundation
import SolventClient
import SolventCore
import SolventCrypto
import SolventWire

/// Finds a market by symbol (any case) or id.
func resolveMarket(_ text: String, _ global: GlobalOptions) async throws -> MarketReply {
    let markets = try await global.client.markets().value
    if let id = UInt32(text), let m = markets.first(where: { $0.params.id == id }) { return m }
    guard let m = markets.first(where: { $0.params.symbol == text.uppercased() }) else {
        throw ClientError("unknown_market", "no market '\(text)' (known: \(markets.map(\.params.symbol).joined(separator: ", ")))")
    }
    return m
}

func parseSize(_ text: String) throws -> UInt64 {
    guard let v = try? Amount.parse(text, decimals: PerpUnits.sizeDecimals), v > 0, v <= UInt128(Int64.max) else {
        throw ClientError("invalid_size", "'\(text)' is not a positive size with at most 8 decimals")
    }
    return UInt64(v)
}

func parsePrice(_ text: String) throws -> UInt64 {
    guard let p = OraclePrice.parse(text) else { throw ClientError("invalid_price", "'\(text)' is not a positive price with at most 8 decimals") }
    return p
}

extension Tx {
    struct OrderCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "order", abstract: "Place and cancel orders on the perpetual markets.",
            subcommands: [Place.self, Cancel.self, CancelAll.self])

        struct Place: ClientCommand {
            static let configuration = CommandConfiguration(
                abstract: "Place an order: a limit order with --price, else a market order.",
                discussion: """
                    A limit order rests until filled or cancelled (--ioc: fill what it can now, cancel the rest; \
                    --post-only: refused if it would fill now). Without --price it is a market order that fills \
                    at once at prices no worse than --worst-price, or else than the market's own price moved by \
                    --max-slippage against you: an option's model price (mark_price in `solvent query market`), a \
                    perpetual's or future's oracle price, or without either the best opposite order.
                    """)
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @Argument(help: "Market symbol or id, e.g. BTC-PERP.") var market: String
            @Argument(help: "buy or sell.") var side: String
            @Argument(help: "Size in base units, e.g. 0.5.") var size: String
            @Option(help: "Limit price.") var price: String?
            @Flag(help: "Immediate or cancel.") var ioc = false
            @Flag(name: .customLong("post-only"), help: "Only rest on the book (refused if it would fill at once).") var postOnly = false
            @Flag(name: .customLong("reduce-only"), help: "Never increase the position: only the part that reduces it fills.") var reduceOnly = false
            @Option(help: "Vault number.") var vault: UInt32 = 0
            @Option(name: .customLong("worst-price"), help: "Market orders: the worst acceptable price.") var worstPrice: String?
            @Option(name: .customLong("max-slippage"),
                    help: "Market orders without --worst-price: how far from the market's own price (a fraction, 0.01, or 1%).")
            var maxSlippage = "0.01"

            func execute() async throws {
                guard let side = ["buy": Side.buy, "sell": Side.sell][side.lowercased()] else {
                    throw ClientError("invalid_argument", "side must be buy or sell")
                }
                guard !(ioc && postOnly) else { throw ClientError("invalid_argument", "choose one of --ioc and --post-only") }
                let m = try await resolveMarket(market, global)
                let size = try parseSize(self.size)
                let request: OrderRequest
                if let price {
                    request = OrderRequest(vault: vault, market: m.params.id, side: side, kind: .limit,
                                           timeInForce: ioc ? .immediateOrCancel : postOnly ? .postOnly : .goodTillCancelled,
                                           reduceOnly: reduceOnly, size: size, price: try parsePrice(price))
                } else {
                    guard !postOnly else { throw ClientError("invalid_argument", "a market order cannot be post-only") }
                    let tick = try parsePrice(m.params.tickSize)
                    let worst: UInt64
                    if let worstPrice {
                        worst = MarketOrderPrice.worstPrice(reference: try parsePrice(worstPrice), side: side, slippagePpm: 0, tick: tick)
                    } else {
                        let slippage = try MarketOrderPrice.parseSlippage(maxSlippage)
                        guard let reference = MarketOrderPrice.reference(m, side: side) else {
                            throw ClientError("invalid_argument", "\(m.params.symbol) has no price to slip from (no mark, no opposite order): give --worst-price")
                        }
                        worst = MarketOrderPrice.worstPrice(reference: reference.price, side: side, slippagePpm: slippage, tick: tick)
                    }
                    request = OrderRequest(vault: vault, market: m.params.id, side: side, kind: .market, timeInForce: .immediateOrCancel,
                                           reduceOnly: reduceOnly, size: size, price: worst)
                }
                try await signAndSend(.orderPlace(request), global, signing)
            }
        }

        struct Cancel: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Cancel one of your resting orders.")
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @Argument(help: "Order id.") var id: UInt64
            func run() async throws {
                try await global.run { try await signAndSend(.orderCancel(orderID: id), global, signing) }
            }
        }

        struct CancelAll: ClientCommand {
            static let configuration = CommandConfiguration(commandName: "cancel-all", abstract: "Cancel all your resting orders in a market (one vault).")
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @Argument(help: "Market symbol or id.") var market: String
            @Option(help: "Vault number.") var vault: UInt32 = 0
            func execute() async throws {
                let m = try await resolveMarket(market, global)
                try await signAndSend(.orderCancelAll(vault: vault, market: m.params.id), global, signing)
            }
        }
    }

    struct VaultCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vault", abstract: "Open vaults.", subcommands: [Open.self])

        struct Open: ClientCommand {
            static let configuration = CommandConfiguration(
                abstract: "Open your next vault: cross (many markets, shared collateral), --isolated MARKET (one market only) or --portfolio (scenario-based margin).")
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @Option(help: "Isolate the vault to this market.") var isolated: String?
            @Flag(help: "A portfolio vault: margined by scenario, with offsets between positions (portfolio-margin.md).") var portfolio = false

            func execute() async throws {
                let keyring = try global.keyring(holding: signing.from)
                let info = try keyring.info(signing.from)
                let number = UInt32(try await global.client.account(info.address).value.vaults.count)
                var mode = VaultMode.cross
                if isolated != nil, portfolio { throw ValidationError("a vault is either --isolated or --portfolio, not both") }
                if let isolated { mode = .isolated(market: try await resolveMarket(isolated, global).params.id) }
                if portfolio { mode = .portfolio }
                try await signAndSend(.vaultOpen(vault: number, mode: mode), global, signing)
            }
        }
    }
}

extension Query {
    struct MarketsQuery: ClientCommand {
        static let configuration = CommandConfiguration(
            commandName: "markets",
            abstract: "Every market: kind, status (live, expiring, settled, inactive), oracle and mark, the top of the book, open interest, funding.")
        @OptionGroup var global: GlobalOptions

        func execute() async throws {
            guard let value = global.forText(try await global.client.markets()) else { return }
            let status = try await global.client.status().value
            let now = status.chainTimeMs
            var table = TextTable(header: ["market", "kind", "status", "expiry", "oracle", "mark", "bid", "ask", "open interest", "funding/h"])
            for m in value {
                let state = MarketStatus(m, chainTimeMs: now)
                table.add([m.params.symbol, m.params.kind, state.rawValue, m.params.expiry ?? "-",
                           m.oraclePrice ?? "-", m.mark ?? "-", m.bestBid ?? "-", m.bestAsk ?? "-", m.openInterest,
                           m.isPerpetual ? Self.percent(m.funding.lastRatePpm) : "-"])
            }
            print(table.render())
        }

        /// Parts per million as a percentage with up to four decimals: 125 -> "0.0125%".
        static func percent(_ ppm: Int64) -> String {
            (ppm < 0 ? "-" : "") + Amount.format(UInt128(ppm.magnitude), decimals: 4) + "%"
        }
    }

    struct MarketQuery: ClientCommand {
        static let configuration = CommandConfiguration(
            commandName: "market", abstract: "One market: its prices (an option's model price), the book, open interest, and funding (perpetuals) or expiry (dated markets).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Market symbol or id.") var market: String
        @Option(help: "Price levels per side.") var depth = 10

        func execute() async throws {
            guard let m = global.forText(try await global.client.market(market, depth: depth)) else { return }
            let status = try await global.client.status().value
            let state = MarketStatus(m, chainTimeMs: status.chainTimeMs)
            let percent = MarketsQuery.percent
            print("\(m.params.symbol) (\(m.params.kind), \(state.rawValue)): oracle \(m.oraclePrice ?? "-") (\(m.oracleStatus))"
                + (m.isOption ? ", mark \(m.markPrice ?? "-") (model price at volatility \(m.volatility ?? "-") from \((m.volatilityFeeds ?? []).joined(separator: ",")))" : "")
                + ", open interest \(m.openInterest), last trade \(m.lastTradePrice ?? "-")")
            print("tick \(m.params.tickSize), step \(m.params.stepSize), min order \(m.params.minOrderSize), "
                + "fees maker \(percent(Int64(m.params.makerFeePpm))) taker \(percent(Int64(m.params.takerFeePpm)))")
            if m.isPerpetual {
                print("funding: last rate \(percent(m.funding.lastRatePpm))/h, \(m.funding.premiumSamples) samples averaging "
                    + "\(percent(m.funding.averagePremiumPpm)), current premium \(m.funding.currentPremiumPpm.map(percent) ?? "-")")
            } else {
                let strike = m.params.strike.map { ", strike \($0)" } ?? ""
                let settled = m.settlementPrice.map { "; settled at \($0) (\(m.settledAt ?? "-"))" } ?? ""
                print("expiry \(m.params.expiry ?? "-")\(strike)\(settled)")
            }
            if let d = m.depthAddon {
                print("depth add-on \(percent(Int64(d.addonPpm))) on the size beyond the depth within \(percent(Int64(d.bandPpm))) of the oracle, "
                    + "averaged over \(d.windowMs / 1_000) s: bids \(d.bidDepth), asks \(d.askDepth) (sampled \(d.sampledAt))")
            }
            if let caps = m.oiCaps {
                let between = caps.scalingPpm.map { " (\(percent($0)) of the way: initial margin = tiers' + that share of the rest)" } ?? ""
                print("open-interest caps \(caps.oiLowerCap) to \(caps.oiUpperCap) USDC; open notional \(caps.openNotional ?? "-")\(between)")
            }
            var book = TextTable(header: ["side", "price", "size", "orders"], rightAligned: [1, 2, 3])
            for l in (m.asks ?? []).reversed() { book.add(["ask", l.price, l.size, String(l.orders)]) }
            for l in m.bids ?? [] { book.add(["bid", l.price, l.size, String(l.orders)]) }
            print(book.rows.count > 1 ? book.render() : "book: empty")
        }
    }

    struct OrdersQuery: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "orders", abstract: "An account's resting orders.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Address or key name.") var who: String

        func execute() async throws {
            let address = try resolveAddress(who, global)
            guard let value = global.forText(try await global.client.orders(address.text)) else { return }
            if value.isEmpty { print("no resting orders") }
            for o in value {
                print("order \(o.orderId)  vault \(o.vault)  \(o.market)  \(o.side) \(o.remaining)/\(o.size) @ \(o.price)\(o.reduceOnly ? " reduce-only" : "")")
            }
        }
    }

    struct ProtocolQuery: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "protocol", abstract: "The fee pool and the insurance fund.")
        @OptionGroup var global: GlobalOptions
        func execute() async throws {
            guard let value = global.forText(try await global.client.protocolAccounts()) else { return }
            print("fee pool        \(value.feePool) USDC\ninsurance fund  \(value.insuranceFund) USDC")
        }
    }
}

extension Tx {
    /// Admin: list a market shaped like an existing one (its grid, fees and tiers), as a
    /// perpetual, a dated future or an option (instruments.md, "Listing").
    struct MarketCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "market", abstract: "Admin: list markets, set their open-interest caps and depth add-ons.",
            subcommands: [List.self, OICaps.self, DepthAddOn.self])

        struct DepthAddOn: ClientCommand {
            static let configuration = CommandConfiguration(
                commandName: "depth-addon",
                abstract: "Set a perpetual's or future's book-depth add-on: more initial margin on the size beyond what its book has held near the oracle price.",
                discussion: """
                    Example: `solvent tx market depth-addon BTC-PERP --band-ppm 10000 --window-ms 600000 --addon-ppm 100000 --from admin`: \
                    orders within 1% of the oracle price, averaged over 10 minutes of block time, count as depth, and 10% more initial \
                    margin is asked on the size beyond it. `--addon-ppm 0` removes it (contracts-spec/margin.md, "Book-depth add-on").
                    """)
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @Argument(help: "The market's symbol.") var market: String
            @Option(help: "Resting orders within this distance of the oracle price count, ppm (1 to 500000).") var bandPpm: UInt32 = 0
            @Option(help: "The averaging window, ms of block time (1000 to 2592000000).") var windowMs: UInt64 = 0
            @Option(help: "Extra initial margin on the size beyond the depth, ppm (0 removes the add-on).") var addonPpm: UInt32

            func execute() async throws {
                let id = try await resolveMarket(market, global).params.id
                try await signAndSend(.marketSetDepthAddon(market: id, bandPpm: bandPpm, windowMs: windowMs, addonPpm: addonPpm), global, signing)
            }
        }

        struct OICaps: ClientCommand {
            static let configuration = CommandConfiguration(
                commandName: "oi-caps",
                abstract: "Set a perpetual's or future's open-interest caps (USDC): its initial margin rises from the tiers' to 100% between them.",
                discussion: """
                    Example: `solvent tx market oi-caps BTC-PERP --lower 10000000 --upper 20000000 --from admin`. \
                    `--lower 0 --upper 0` removes the caps (contracts-spec/margin.md, "Open-interest scaling").
                    """)
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @Argument(help: "The market's symbol.") var market: String
            @Option(help: "Open notional (USDC) up to which the tiers' initial requirement applies.") var lower: String
            @Option(help: "Open notional (USDC) from which a position's initial requirement is its whole notional; 0 removes the caps.")
            var upper: String

            func execute() async throws {
                let id = try await resolveMarket(market, global).params.id
                let (low, high) = (try Amount.parse(lower, decimals: 6), try Amount.parse(upper, decimals: 6))
                try await signAndSend(.marketSetOiCaps(market: id, lower: low, upper: high), global, signing)
            }
        }

        struct List: ClientCommand {
            static let configuration = CommandConfiguration(
                abstract: "List a market with the tick, step, fees and margin tiers of --like.",
                discussion: """
                    Examples: `solvent tx market list --like BTC-26MAR27 --symbol BTC-SOON --expiry +30s --from admin` lists a \
                    BTC future expiring 30 s from now; `--like BTC-26MAR27-60000-C --symbol BTC-SOON-60000-C --strike 60000 \
                    --type call --expiry +30s` an option. --expiry takes +Ns/+Nm/+Nh (from now) or 2027-03-26T08:00:00Z.
                    """)
            @OptionGroup var global: GlobalOptions
            @OptionGroup var signing: Tx.SigningOptions
            @Option(help: "An existing market to copy the grid, fees and tiers (and kind) from.") var like: String
            @Option(help: "The new market's symbol.") var symbol: String
            @Option(help: "The new market's id (default: one above the highest).") var id: UInt32?
            @Option(help: "Expiry of a future or option: +30s, +5m, +2h or a UTC time.") var expiry: String?
            @Option(help: "Option strike in dollars.") var strike: String?
            @Option(help: "Option type: call or put.") var type: String?

            func execute() async throws {
                let markets = try await global.client.markets().value
                let base = try await resolveMarket(like, global).params
                let kind = base.kind
                var expiryMs: UInt64?
                if let expiry {
                    // "+2h" counts from the chain's clock (a devnet may run ahead of the wall's).
                    let status = try await global.client.status().value
                    expiryMs = try Self.parseExpiry(expiry, now: status.chainTimeMs)
                }
                let instrument: Instrument
                switch kind {
                case "perpetual": instrument = .perpetual
                case "future":
                    guard let expiryMs else { throw ValidationError("a future needs --expiry") }
                    instrument = .future(expiryMs: expiryMs)
                default:
                    guard let expiryMs, let strike, let vol = base.volatilityOracle else {
                        throw ValidationError("an option needs --expiry and --strike")
                    }
                    let call = (type ?? (kind == "call" ? "call" : "put")).lowercased() == "call"
                    instrument = .option(expiryMs: expiryMs, strike: try parsePrice(strike), isCall: call, volOracle: vol)
                }
                let params = try PerpMarketParams.like(base, id: id ?? (markets.map(\.params.id).max() ?? 0) + 1, symbol: symbol,
                                                       instrument: instrument)
                try await signAndSend(.marketList(params), global, signing)
            }

            static func parseExpiry(_ text: String, now: UInt64) throws -> UInt64 {
                if let ms = UTCTime.parse(text) { return ms }
                guard text.hasPrefix("+"), let unit = text.last, let n = UInt64(text.dropFirst().dropLast()) else {
                    throw ValidationError("--expiry is +Ns, +Nm, +Nh or a UTC time like 2027-03-26T08:00:00Z")
                }
                let scale: UInt64
                switch unit {
                case "s": scale = 1_000
                case "m": scale = 60_000
                case "h": scale = 3_600_000
                default: throw ValidationError("--expiry is +Ns, +Nm, +Nh or a UTC time like 2027-03-26T08:00:00Z")
                }
                return now + n * scale
            }
        }
    }
}
