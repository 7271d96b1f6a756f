import Foundation
import SolventCore
import SolventCrypto
import SolventWire

/// The checks of scripted scenarios (contracts-spec/devnet.md, "Scripts"): figures of the last
/// `liquidation_rounds` or `settle`, the keepers' races, the insurance fund and portfolio
/// margin, on the chain as the script has left it where the check stands. Every comparison is
/// in decimal, exact.
extension ScenarioRunner {
    static func decimal(_ text: String?) -> Decimal? { text.flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) } }

    func vaultID(_ c: ScenarioFile.Check) throws -> String { "\(try Self.address(c.account ?? ""))/\(c.vault ?? 0)" }

    func evaluateScripted(_ c: ScenarioFile.Check) async throws -> CheckResult {
        let who = "\(c.account ?? "")/\(c.vault ?? 0)"
        func result(_ description: String, _ passed: Bool, _ detail: String) -> CheckResult {
            CheckResult(description: description, passed: passed, detail: detail)
        }
        switch c.kind {
        case "insurance_fund_grew_from_fees":
            let fund = try await client.insurance(limit: 1).value
            let start = script.fundAtKeepersStart ?? 0
            return result("the insurance fund grew from liquidation fees since the keepers started",
                          (Self.decimal(fund.liquidationFeesIn) ?? 0) > 0 && (Self.decimal(fund.balance) ?? 0) > start,
                          "\(start) → \(fund.balance) USDC, liquidation fees in \(fund.liquidationFeesIn), deficits paid \(fund.deficitsPaid)")
        case "insurance_fund_below":
            let fund = try await client.insurance(limit: 1).value
            return result("the insurance fund holds less than \(c.value ?? "") USDC", (Self.decimal(fund.balance) ?? 0) < (Self.decimal(c.value) ?? 0),
                          "\(fund.balance) USDC")
        case "insurance_fund_deleveraged":
            let fund = try await client.insurance(limit: 1).value
            return result("the fund records deficits as auto-deleveraged", (Self.decimal(fund.deficitsDeleveraged) ?? 0) > 0,
                          "deficits paid \(fund.deficitsPaid), deleveraged \(fund.deficitsDeleveraged)")
        case "fund_paid_deficit", "book_bid_beat_backstop", "vault_deleveraged":
            let id = try vaultID(c)
            guard let e = script.lastLiquidations.first(where: { $0["vault"] == id }) else {
                return result("\(who) \(c.kind)", false, "no liquidation of \(who) in the last liquidation rounds")
            }
            let closed = Self.decimal(e["closed_size"]) ?? 0, deficit = Self.decimal(e["deficit_paid"]) ?? 0
            switch c.kind {
            case "fund_paid_deficit":
                return result("the fund paid \(who)'s deficit", deficit > 0, "deficit paid \(e["deficit_paid"] ?? "")")
            case "vault_deleveraged":
                return result("\(who)'s liquidation auto-deleveraged", (Self.decimal(e["adl_size"]) ?? 0) > 0, "adl size \(e["adl_size"] ?? "")")
            default:
                // liquidation.md, "Execution", step 2: a bid under the bankruptcy price but over the
                // backstop price is better for the fund than the backstop, and earns no bounty.
                let viaBackstop = closed * ((Self.decimal(e["bankruptcy_price"]) ?? 0) - (Self.decimal(e["backstop_price"]) ?? 0))
                let passed = Self.decimal(e["book_size"]) == closed && deficit < viaBackstop && e["bounty"] == "0"
                return result("a book bid took all of \(who)'s position for a smaller deficit than the backstop's, with no bounty", passed,
                              "book \(e["book_size"] ?? "") of \(e["closed_size"] ?? ""), deficit \(e["deficit_paid"] ?? "") against \(viaBackstop) by the backstop, bounty \(e["bounty"] ?? "")")
            }
        case "adl_queue_not_empty":
            let queue = try await client.adl(c.market ?? "").value
            let side = c.side == "longs" ? queue.longs : queue.shorts
            let ranked = side.filter(\.inQueue)
            return result("the \(c.side ?? "shorts") of \(c.market ?? "") are in the ADL queue", !ranked.isEmpty,
                          ranked.map { "rank \($0.rank) \($0.owner.prefix(12))…/\($0.vault) score \($0.scorePpm) size \($0.size)" }.joined(separator: "; "))
        case "adl_started_at_top":
            let top = script.adlTopBefore[c.side ?? "shorts"]
            let first = script.lastADL.first
            let passed = top != nil && first?["vault"]?.hasPrefix(top!.owner) == true && first?["rank"] == top.map { String($0.rank) }
            return result("ADL started with the top of the \(c.side ?? "shorts") queue", passed,
                          "top \(top.map { "rank \($0.rank) \($0.owner.prefix(12))…/\($0.vault)" } ?? "none"), first fill \(first.map { "\($0["vault"] ?? "") rank \($0["rank"] ?? "")" } ?? "none")")
        case "keepers_raced_cleanly":
            return keepersRacedCleanly()
        case "portfolio_requirement_at_most":
            let a = try await client.margin(try Self.address(c.account ?? ""), c.vault ?? 0).value
            let b = try await client.margin(try Self.address(c.thanAccount ?? ""), c.thanVault ?? 0).value
            let mine = Self.decimal(a.initialRequirement) ?? 0, other = Self.decimal(b.initialRequirement) ?? 0
            return result("\(who) needs more than 0 and at most \(c.value ?? "") of \(c.thanAccount ?? "")/\(c.thanVault ?? 0)'s initial margin",
                          mine > 0 && mine <= (Self.decimal(c.value) ?? 0) * other,
                          "\(a.initialRequirement) (scan loss \(a.portfolio.scanLoss), contingency \(a.portfolio.contingency)) against \(b.initialRequirement)")
        case "requirement_under_standalone":
            let m = try await client.margin(try Self.address(c.account ?? ""), c.vault ?? 0).value
            let req = Self.decimal(m.initialRequirement) ?? 0
            return result("\(who) needs more than 0 and \(c.value ?? "") times its requirement is under its standalone sum",
                          req > 0 && req * (Self.decimal(c.value) ?? 0) < (Self.decimal(m.standaloneInitial) ?? 0),
                          "portfolio \(m.initialRequirement), standalone \(m.standaloneInitial), offset \(m.offset)")
        case "requirement_covers_worst_loss":
            let m = try await client.margin(try Self.address(c.account ?? ""), c.vault ?? 0).value
            let worst = m.portfolio.underlyings.map { u in u.scenarios.map { -(Self.decimal($0.pnl) ?? 0) }.max() ?? 0 }.reduce(0, +)
            let charges = m.portfolio.underlyings.map { "short-option charge \($0.shortOptionCharge), closeout charge \($0.closeoutCharge)" }
            return result("\(who) needs at least its worst scenario loss", (Self.decimal(m.initialRequirement) ?? 0) >= worst,
                          "requirement \(m.initialRequirement), worst loss \(worst); \(charges.joined(separator: "; "))")
        case "requirements_are":
            // `value`: "initial/maintenance" in USDC, as the node's margin reply gives them.
            let m = try await client.margin(try Self.address(c.account ?? ""), c.vault ?? 0).value
            let want = (c.value ?? "").split(separator: "/").map { Self.decimal(String($0)) }
            let got = [Self.decimal(m.initialRequirement), Self.decimal(m.maintenanceRequirement)]
            return result("\(who) requires \(c.value ?? "") (initial/maintenance)", want.count == 2 && want == got,
                          "initial \(m.initialRequirement), maintenance \(m.maintenanceRequirement)")
        case "oi_scaling_is":
            // `value`: the market's `oi_caps.scaling_ppm` (GET /v1/markets), "none" for a market without caps.
            let caps = try await market(c.market ?? "").oiCaps
            let shown = caps.map { $0.scalingPpm.map(String.init) ?? "no price" } ?? "none"
            return result("\(c.market ?? "")'s open notional stands at \(c.value ?? "") ppm between its caps", shown == c.value,
                          caps.map { "open notional \($0.openNotional ?? "-") between \($0.oiLowerCap) and \($0.oiUpperCap): \(shown)" } ?? "no caps")
        case "haircut_is":
            // `value`: "haircut/target" in ppm for the asset named by `market` (GET /v1/assets).
            let asset = try await client.assets().value.first { $0.symbol == c.market }
            let rule = asset?.haircutRule
            let shown = rule.map { "\($0.haircutPpm)/\($0.targetPpm)" } ?? "none"
            return result("\(c.market ?? "")'s haircut/target is \(c.value ?? "") ppm", shown == c.value,
                          rule.map { "haircut \($0.haircutPpm), initial \($0.initialHaircutPpm), target \($0.targetPpm), volatility \($0.volatilityPpm) from \($0.source)" }
                              ?? "no rule")
        case "volatility_is":
            // `value`: "VOL from FEED[,FEED]", the option market's volatility and where it came from (GET /v1/markets).
            let m = try await market(c.market ?? "")
            let shown = m.volatility.map { "\($0) from \((m.volatilityFeeds ?? []).joined(separator: ","))" } ?? "none"
            return result("\(c.market ?? "") is marked at volatility \(c.value ?? "")", shown == c.value, shown)
        case "liquidatable":
            // `value`: "true" or "false", the vault's `margin.liquidatable` now.
            let v = try await client.vault(try Self.address(c.account ?? ""), c.vault ?? 0).value
            let now = v.margin.map { String($0.liquidatable) } ?? "unknown"
            return result("\(who) is \(c.value == "true" ? "" : "not ")liquidatable", now == c.value,
                          v.margin.map { "equity \($0.equity), initial \($0.initialRequirement) (haircut add-on \($0.haircutAddOn ?? "0")), maintenance \($0.maintenanceRequirement)" }
                              ?? "no margin")
        case "market_exists":
            let listed = try await client.markets().value.first { $0.params.symbol == c.market }
            return result("\(c.market ?? "") is listed", listed != nil, listed.map { "expiry \($0.params.expiry ?? "-")" } ?? "not listed")
        case "settled_at":
            let e = script.settled[c.market ?? ""]
            return result("\(c.market ?? "") settled at \(c.value ?? "")", Self.decimal(e?["settlement_price"]) == Self.decimal(c.value),
                          e.map { "settlement price \($0["settlement_price"] ?? ""), underlying \($0["underlying_price"] ?? "")" } ?? "not settled")
        case "settlement_paid":
            let paid = script.settlementPaid[try vaultID(c)]
            return result("settlement paid \(c.value ?? "") USDC into \(who)'s quote", paid == Self.decimal(c.value), paid.map { "\($0)" } ?? "no such vault")
        case "no_position":
            let v = try await client.vault(try Self.address(c.account ?? ""), c.vault ?? 0).value
            let left = v.positions.filter { $0.market == c.market || $0.market.hasPrefix((c.market ?? "") + "-") }
            return result("\(who) holds no \(c.market ?? "") position", left.isEmpty, left.isEmpty ? "none" : left.map { "\($0.size) \($0.market)" }.joined(separator: ", "))
        case "order_refused":
            // A dry run (POST /v1/simulate): nothing is sent.
            let m = try await market(c.market ?? "")
            let key = try Self.key(c.account ?? ""), address = Address(key.publicKey).text
            var nonce = nonces[address] ?? 0
            if nonces[address] == nil { nonce = try await client.account(address).value.nonce }
            let side: Side = c.side == "sell" ? .sell : .buy
            let tx = Transaction(chainId: chainId, sender: Address(key.publicKey), nonce: nonce,
                                 action: .orderPlace(try order(vault: c.vault ?? 0, m, side: side, size: c.size ?? "", price: c.price ?? "", ioc: false)))
                .signed(with: key)
            let receipt = try await client.simulate(hex: Hex.encode(tx.bytes)).value.receipt
            return result("an order on \(c.market ?? "") is refused with \(c.value ?? "")", receipt.code == c.value, "\(receipt.code) (\(receipt.message))")
        default:
            return result("unknown check \(c.kind)", false, "not a check kind")
        }
    }

    /// Every keeper attempt is a win or a race lost with a clear code (`liquidation.md`,
    /// "Keepers"), never a failure, and the keepers won at least one liquidation.
    func keepersRacedCleanly() -> CheckResult {
        let clear: Set = ["already_liquidated", "vault_not_liquidatable", "position_not_found", "liquidation_cap_reached"]
        var won = [String: Int](), lost = [String: Int](), problems = [String]()
        for (keeper, attempt) in keeperAttempts.all {
            switch attempt.result {
            case .liquidated: won[keeper, default: 0] += 1
            case let .lost(code, _):
                lost[keeper, default: 0] += 1
                if !clear.contains(code) { problems.append("\(keeper) lost with \(code)") }
            case let .failed(code, message): problems.append("\(keeper) failed: \(code) \(message)")
            case .auction, .simulated: break
            }
        }
        let detail = keepers.map { "\($0.name): \(won[$0.name] ?? 0) won, \(Amount.format($0.keeper.earned, decimals: 6)) USDC in bounties, \(lost[$0.name] ?? 0) races lost" }
            .joined(separator: "; ") + (problems.isEmpty ? "" : "; " + problems.prefix(3).joined(separator: "; "))
        return CheckResult(description: "the keepers won liquidations and lost races only with a clear code", passed: problems.isEmpty && won.values.reduce(0, +) > 0,
                           detail: detail)
    }
}
