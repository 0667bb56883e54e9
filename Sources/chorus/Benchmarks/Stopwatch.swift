import Foundation

/// Times a piece of work: calibrates how many calls fill the requested seconds, then reports the
/// median rate over the repeats.
struct Stopwatch {
    var repeats: Int
    var seconds: Double

    /// The median of `units per call ÷ seconds per call` over the repeats.
    func rate(unitsPerCall: Double, _ call: () -> Void) -> Double {
        var calls = 1
        while true {  // calibrate: grow until one batch takes 1/10 of the target
            let t = time(calls, call)
            if t > seconds / 10 || calls > 1 << 30 { calls = max(1, Int(Double(calls) * seconds / max(t, 1e-9))); break }
            calls *= 4
        }
        var rates: [Double] = []
        for _ in 0..<repeats { rates.append(unitsPerCall * Double(calls) / time(calls, call)) }
        rates.sort()
        return rates[rates.count / 2]
    }

    private func time(_ calls: Int, _ call: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<calls { call() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
