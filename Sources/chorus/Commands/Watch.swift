import Agents
import ArgumentParser
import Environments
import Foundation
import Viewer

/// `chorus watch`: plays episodes of a trained (or random) policy in an SDL2 window, or records them.
struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch episodes of a trained agent in a window, record them as a GIF or PNG frames, or print them as text.",
        discussion: "Keys: space pause, → step while paused, n next task, r restart, +/− speed, q/Esc quit; --manual: the arrow keys act."
    )

    @Argument(help: "A run directory or checkpoint file (optional with --policy random and --suite).")
    var source: String?
    @Option(help: "Suite (default: the one the run trained on).")
    var suite: String?
    @Option(help: "Only this task (default: every task of the suite, in turn).")
    var task: String?
    @Option(help: "Episodes per task.")
    var episodes: Int = 3
    @Option(help: "Frames per second.")
    var fps: Double = 30
    @Option(help: "Seed of the episodes and the action draws.")
    var seed: UInt64 = 1
    @Option(help: "Which policy acts: trained, distilled (Distral's π₀) or random.")
    var policy: PolicyChoice = .trained
    @Flag(help: "Take the most likely action instead of sampling.")
    var deterministic = false
    @Flag(help: "Play yourself with the arrow keys.")
    var manual = false
    @Option(help: "Record to a .gif file, or to a folder of numbered PNG frames.")
    var record: String?
    @Flag(help: "Render offscreen, without a window (for recording on servers).")
    var headless = false
    @Flag(help: "Print episodes in the terminal instead (no SDL needed).")
    var ascii = false

    func validate() throws {
        if !(1...RunOptions.maximumEpisodes).contains(episodes) { throw ValidationError("--episodes must be in 1...\(RunOptions.maximumEpisodes)") }
        if !(fps >= 0.1 && fps <= 1000) { throw ValidationError("--fps must be in 0.1...1000") }
        if source == nil && !(policy == .random && suite != nil) {
            throw ValidationError("name a run or checkpoint (or use --policy random with --suite)")
        }
        if headless && manual { throw ValidationError("--manual needs a window; drop --headless") }
    }

    func run() throws {
        let catalogue = try Catalogue.locate()
        let loaded = try source.map { try LoadedPolicy($0, catalogue: catalogue) }
        var target = try suite.map { try catalogue.loadSuite($0) } ?? loaded!.suite
        if let task { target = try target.selecting(RunOptions.taskNames(task)) }
        let mapping = try loaded?.policyTasks(for: target) ?? []
        try loaded?.check(policy)
        var options = WatchOptions()
        options.episodes = episodes
        options.framesPerSecond = fps
        options.seed = seed
        options.choice = policy
        options.deterministic = deterministic
        options.manual = manual
        options.recordPath = record
        options.headless = headless
        let watched = WatchTarget(tasks: target.tasks, loaded: loaded, policyTask: mapping, options: options)
        if ascii { return playAscii(watched) }
        #if SDL
        let session = try WatchSession(target: watched)
        try session.run()
        if let record { print("recorded \(session.recordedFrames) frames to \(record)") }
        #else
        throw ChorusError(
            file: "chorus watch",
            problem:
                "this chorus was built without the SDL trait; rebuild with `swift build -c release` after scripts/install-deps.sh (SDL is on by default), or use --ascii"
        )
        #endif
    }

    private func playAscii(_ target: WatchTarget) {
        let pause = UInt32(1_000_000 / fps)
        let terminal = isatty(STDOUT_FILENO) != 0
        while !target.isFinished {
            let ended = target.advance(with: target.decide())
            if let grid = AsciiView.grid(of: target.scene) {
                print((terminal ? "\u{1B}[H\u{1B}[2J" : "") + grid + "\n" + target.summary)
            } else {
                print(target.summary)
            }
            if ended { print("— episode finished —") }
            fflush(nil)
            if terminal { usleep(pause) }
        }
    }
}
