#if SDL
import Agents
import Environments
import Foundation
import Viewer

/// Frames per second of `chorus watch`'s drawing offscreen at 640×480 (the software renderer):
/// acting plus the scene and the HUD, and the same with the frame read back as recording does.
enum RenderBenchmark {
    /// The target for a gridworld, frames/s.
    static let target = 1000.0

    static func run(_ timer: Stopwatch) throws -> BenchmarkSection {
        let catalogue = try Catalogue.locate()
        let tasks = [
            ("Gridworld 8x8", try catalogue.loadSuite("gridworld-mix").selecting(["empty-room"]).tasks[0]),
            ("Gridworld four-rooms", try catalogue.loadSuite("gridworld-mix").selecting(["four-rooms"]).tasks[0]),
            ("CartPole-v1", try catalogue.loadSuite("cartpole").tasks[0]),
            ("Acrobot-v1", try catalogue.loadSuite("acrobot").tasks[0]),
        ]
        var rows: [(String, [Double])] = []
        for (name, task) in tasks {
            var options = WatchOptions()
            options.choice = .random
            options.headless = true
            options.episodes = Int.max / 2
            let target = WatchTarget(tasks: [task], loaded: nil, policyTask: [0], options: options)
            let session = try WatchSession(target: target)
            let frame = timer.rate(unitsPerCall: 1) {
                target.advance(with: target.decide())
                try? session.drawFrame()
            }
            let withReadback = timer.rate(unitsPerCall: 1) {
                target.advance(with: target.decide())
                try? session.drawFrame()
                _ = session.canvas.pixels()
            }
            rows.append((name, [frame, withReadback, name.hasPrefix("Gridworld") ? Self.target : .nan]))
        }
        return BenchmarkSection(
            title: "Rendering: chorus watch frames/s offscreen at 640×480 (random policy, scene + HUD)",
            columns: ["frames/s", "+ readback", "target"],
            rows: rows,
            notes: ["+ readback: the frame's RGBA pixels copied out, as --record does before encoding."]
        )
    }
}
#endif
