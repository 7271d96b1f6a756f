import Foundation

/// How a feeder's "true" price moves from tick to tick. Floating point is fine here: this is a
/// client producing observations; the chain only ever sees the 8-decimal integers it signs.
public enum PricePathSpec: Sendable {
    /// The price stays where it starts.
    case constant
    /// Geometric Brownian motion with Poisson jumps, from a seed, so a run can be repeated.
    case gbm(GBMParameters)
    /// One CSV row (`timestamp,price`) per tick, then the last price.
    case csv([Double])
}

public struct GBMParameters: Sendable {
    /// Annualised drift and volatility (0.8 = 80% a year).
    public var drift: Double
    public var volatility: Double
    /// Expected jumps per day, and the jump size as the standard deviation of the log-return
    /// (0.05: a typical jump moves the price about 5%, up or down).
    public var jumpsPerDay: Double
    public var jumpSize: Double
    public var seed: UInt64

    public init(drift: Double = 0, volatility: Double = 0.8, jumpsPerDay: Double = 2, jumpSize: Double = 0.05, seed: UInt64 = 1) {
        self.drift = drift
        self.volatility = volatility
        self.jumpsPerDay = jumpsPerDay
        self.jumpSize = jumpSize
        self.seed = seed
    }
}

/// One market's path. Each market gets its own random stream (seed mixed with the market id).
public struct PricePath: Sendable {
    public private(set) var price: Double
    private let spec: PricePathSpec
    private var rng: Xoshiro256
    private var step = 0

    public init(spec: PricePathSpec, start: Double, market: UInt32) {
        self.spec = spec
        var seed: UInt64 = 1
        if case .gbm(let p) = spec { seed = p.seed }
        rng = Xoshiro256(seed: seed ^ (UInt64(market) &* 0x9E37_79B9_7F4A_7C15))
        if case .csv(let rows) = spec, let first = rows.first {
            price = first
        } else {
            price = start
        }
    }

    /// Advances by `seconds` and returns the new price.
    public mutating func next(seconds: Double) -> Double {
        defer { step += 1 }
        switch spec {
        case .constant:
            break
        case .csv(let rows):
            price = rows[min(step, rows.count - 1)]
        case .gbm(let p):
            let years = seconds / (365 * 86_400)
            let diffusion = p.volatility * years.squareRoot() * rng.normal()
            var logReturn = (p.drift - p.volatility * p.volatility / 2) * years + diffusion
            if rng.uniform() < p.jumpsPerDay * seconds / 86_400 {
                logReturn += p.jumpSize * rng.normal()
            }
            price *= exp(logReturn)
        }
        return price
    }
}

/// xoshiro256** seeded through SplitMix64: a small, well-tested generator, reproducible from its seed.
struct Xoshiro256: Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal, by Box-Muller.
    mutating func normal() -> Double {
        let u1 = max(uniform(), Double.leastNonzeroMagnitude)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * uniform())
    }
}

extension PricePathSpec {
    /// Reads `timestamp,price` rows (a header line is skipped; blank lines are ignored).
    public static func csv(contentsOf path: String) throws -> PricePathSpec {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ClientError("csv", "cannot read \(path)")
        }
        var prices = [Double]()
        for (n, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 2, let price = Double(fields[1]), price > 0 else {
                if n == 0 { continue }
                throw ClientError("csv", "\(path) line \(n + 1): expected timestamp,price")
            }
            prices.append(price)
        }
        guard !prices.isEmpty else { throw ClientError("csv", "\(path) has no prices") }
        return .csv(prices)
    }
}
