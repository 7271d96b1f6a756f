import Foundation
import SolventClient
import Testing

@Suite struct PricePathTests {
    @Test func gbmIsReproducibleFromItsSeedAndDiffersPerMarket() {
        let spec = PricePathSpec.gbm(GBMParameters(volatility: 0.8, jumpsPerDay: 50, jumpSize: 0.05, seed: 7))
        var a = PricePath(spec: spec, start: 60_000, market: 1)
        var b = PricePath(spec: spec, start: 60_000, market: 1)
        var c = PricePath(spec: spec, start: 60_000, market: 2)
        let pa = (0..<500).map { _ in a.next(seconds: 60) }
        let pb = (0..<500).map { _ in b.next(seconds: 60) }
        let pc = (0..<500).map { _ in c.next(seconds: 60) }
        #expect(pa == pb)
        #expect(pa != pc)
        #expect(pa.allSatisfy { $0 > 0 && $0.isFinite })
        // Half a year of minutes at 80% volatility: the path has moved, but not absurdly.
        #expect(Set(pa).count > 400)
        #expect(pa.last! > 1_000 && pa.last! < 3_600_000)
    }

    @Test func constantStaysAndCSVReplaysThenHolds() throws {
        var flat = PricePath(spec: .constant, start: 150, market: 3)
        #expect((0..<5).map { _ in flat.next(seconds: 1) } == [150, 150, 150, 150, 150])

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("prices-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try "timestamp,price\n1,100\n2,90\n3,80.5\n".write(to: file, atomically: true, encoding: .utf8)
        var replay = PricePath(spec: try PricePathSpec.csv(contentsOf: file.path), start: 1, market: 1)
        #expect(replay.price == 100)
        #expect((0..<4).map { _ in replay.next(seconds: 1) } == [100, 90, 80.5, 80.5])

        try "1,100\nnot a row\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: ClientError.self) { try PricePathSpec.csv(contentsOf: file.path) }
    }
}
