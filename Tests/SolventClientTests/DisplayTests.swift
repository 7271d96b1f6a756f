import Foundation
import SolventClient
import SolventCore
import SolventDevnet
import Testing

/// What the CLI and the devnet banner show people.
@Suite struct DisplayTests {
    @Test func tableColumnsAreAsWideAsTheirWidestCell() {
        var t = TextTable(header: ["market", "kind", "open interest"], rightAligned: [2])
        t.add(["BTC-26MAR27-60000-C", "call", "0"])
        t.add(["BTC-PERP", "perpetual", "12.5"])
        #expect(t.render() == """
            market               kind       open interest
            BTC-26MAR27-60000-C  call                   0
            BTC-PERP             perpetual           12.5
            """)
        var status = TextTable(header: ["asset", "now", ""])
        status.add(["USDC", "10102000", "ok"])
        #expect(status.render() == "asset  now\nUSDC   10102000  ok")
    }

    @Test func theDevnetBannerShowsEachWalletThePidAndTheHome() throws {
        let config = DevnetConfig.derive(from: DevnetKeys.devnetGenesis(), rpc: "http://127.0.0.1:26657")
        let dev0 = try #require(config.accounts.first { $0.name == "dev0" })
        let banner = config.banner(wallets: [dev0.address: "1000000 USDC, 10 BTC, 100 ETH"], pid: 4242, home: "/home/u/.solventd/devnet")
        let lines = banner.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("dev0 ") && $0.contains(dev0.address) && $0.hasSuffix("1000000 USDC, 10 BTC, 100 ETH") })
        #expect(lines.contains { $0.contains("process 4242") && $0.contains("/home/u/.solventd/devnet/solventd.pid") && $0.contains("kill -9 4242") })
        #expect(banner.contains(dev0.privateKey) && banner.contains("PUBLIC"))
    }
}
