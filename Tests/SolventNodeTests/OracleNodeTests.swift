import Foundation
import HummingbirdTesting
import SolventClient
import SolventCore
import SolventCrypto
import SolventDevnet
import SolventNode
import Testing

/// The oracle through a live node: the feeder's updates, the queries, lying and silent signers.
@Suite struct OracleNodeTests {
    let signers = (0..<5).map { DevnetKeys.oracleSigner($0) }
    let relayer = DevnetKeys.oracleRelayer()

    func feeder(_ port: Int, ticks: Int, configure: (inout OracleFeeder.Options) -> Void = { _ in }) -> OracleFeeder {
        var options = OracleFeeder.Options()
        options.intervalMs = 120
        options.ticks = ticks
        configure(&options)
        return OracleFeeder(client: RPCClient(baseURL: "http://127.0.0.1:\(port)", timeoutSeconds: 10), signers: signers,
                            relayer: relayer, options: options) { _ in }
    }

    /// A genesis whose prices go stale after 1.5 s and may be updated every 50 ms.
    var quickGenesis: Genesis {
        var g = DevnetKeys.devnetGenesis()
        g.oracle.settings.staleAfterMs = 1_500
        g.oracle.settings.minUpdateIntervalMs = 50
        return g
    }

    @Test func feederMovesPricesFromAQuorumOfDistinctSigners() async throws {
        try await NodeFixtures.withNode(genesis: quickGenesis, mode: .interval(milliseconds: 100), live: true) { node, client in
            let port = try #require(client.port)
            let before = try await client.call(.get, "/v1/oracle")
            let ticks = try await feeder(port, ticks: 5).run()
            // 5 ticks × (3 prices + 2 volatility feeds + BTC-IV's 2 dated feeds: the feeder produces the surface too)
            #expect(ticks.filter { $0.outcome.hasPrefix("accepted") }.count == 35, "\(ticks.map(\.outcome))")
            // The reports are in the mempool: the next two interval blocks hold them.
            #expect(await node.producer.waitForHeight(node.latestHead.height + 2, timeout: .seconds(10)))
            let after = try await client.call(.get, "/v1/oracle")
            let markets = try #require(after["markets"] as? [[String: Any]])
            #expect(markets.count == 7)
            for m in markets {
                let reports = try #require(m["reports"] as? [[String: Any]])
                #expect(Set(reports.map { $0["signer"] as? String ?? "" }).count >= 3)
                #expect(m["status"] as? String == "fresh")
                #expect((m["age_ms"] as? Int ?? 99_999) < 1_500)
            }
            let moved = zip(try #require(before["markets"] as? [[String: Any]]), markets).filter { ($0.0["price"] as? String) != ($0.1["price"] as? String) }
            #expect(moved.count == 7, "GBM paths moved every price and volatility")
            let btc = try await client.call(.get, "/v1/oracle/BTC-USD")
            #expect(btc["symbol"] as? String == "BTC-USD" && btc["asset"] as? String == "BTC")
            #expect(try await client.call(.get, "/v1/oracle/1")["symbol"] as? String == "BTC-USD")
            let unknown = try await client.call(.get, "/v1/oracle/DOGE-USD")
            #expect(unknown.status == 404 && unknown.errorCode == "not_found")
        }
    }

    @Test func theMedianHoldsWhenTwoOfFiveSignersLie() async throws {
        try await NodeFixtures.withNode(genesis: quickGenesis, mode: .interval(milliseconds: 100), live: true) { node, client in
            let port = try #require(client.port)
            let ticks = try await feeder(port, ticks: 3) {
                $0.markets = ["BTC-USD"]
                $0.path = .constant
                $0.startPrices = ["BTC-USD": 60_000]
                $0.liars = 2
                $0.lieFactor = 3
            }.run()
            #expect(ticks.allSatisfy { $0.outcome.hasPrefix("accepted") })
            // The reports are in the mempool: the next two interval blocks hold them.
            #expect(await node.producer.waitForHeight(node.latestHead.height + 2, timeout: .seconds(10)))
            let btc = try await client.call(.get, "/v1/oracle/BTC-USD")
            #expect(btc["price"] as? String == "60000")
            let reports = try #require(btc["reports"] as? [[String: Any]])
            #expect(reports.filter { $0["price"] as? String == "180000" }.count == 2)
        }
    }

    @Test func silentSignersLeaveThePriceToGoStale() async throws {
        try await NodeFixtures.withNode(genesis: quickGenesis, mode: .interval(milliseconds: 100), live: true) { node, client in
            let port = try #require(client.port)
            _ = try await feeder(port, ticks: 2) { $0.markets = ["ETH-USD"] }.run()
            // The reports are in the mempool: the next two interval blocks hold them.
            #expect(await node.producer.waitForHeight(node.latestHead.height + 2, timeout: .seconds(10)))
            #expect(try await client.call(.get, "/v1/oracle/ETH-USD")["status"] as? String == "fresh")
            // Three of five go silent: two reports are below the quorum of three, so no update is sent.
            let silent = try await feeder(port, ticks: 14) { $0.markets = ["ETH-USD"]; $0.silent = 3 }.run()
            #expect(silent.allSatisfy { $0.outcome.contains("below the quorum") })
            let eth = try await client.call(.get, "/v1/oracle/ETH-USD")
            #expect(eth["status"] as? String == "stale", "after \(eth["age_ms"] ?? "?") ms")
        }
    }
}
