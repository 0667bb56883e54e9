import Agents
import Environments
import Foundation
import Randomness

/// The episodes `chorus watch` plays: tasks, their policy (or none, for random play), and the stepping.
///
/// Task j's episodes run in one environment seeded `(seed, stream j·2³²)`; every action draw comes from
/// one generator of the session, so a recording is reproducible from its seed.
public final class WatchTarget {
    public let tasks: [Task]
    public let loaded: LoadedPolicy?
    /// For each task, its index in the loaded policy.
    let policyTask: [Int]
    public let options: WatchOptions
    public private(set) var taskIndex = 0
    public private(set) var episode = 1
    public private(set) var step = 0
    public private(set) var episodeReturn = 0.0
    public private(set) var lastDecision: Decision?
    public private(set) var finishedEpisodes = 0
    private var batch: any VectorEnvironment
    private var rng: RandomGenerator

    public init(tasks: [Task], loaded: LoadedPolicy?, policyTask: [Int], options: WatchOptions) {
        precondition(!tasks.isEmpty)
        self.tasks = tasks
        self.loaded = loaded
        self.policyTask = policyTask
        self.options = options
        rng = RandomGenerator(seed: options.seed, stream: 0x5EE_0001)
        batch = tasks[0].prototype.makeBatch(count: 1, seed: options.seed, stream: 0)
    }

    public var task: Task { tasks[taskIndex] }
    /// The current task's action names (one per discrete action or continuous dimension), from its environment.
    public var actionNames: [String] { task.prototype.environment.actionNames }
    public var scene: Scene { batch.scene(of: 0) }
    public var observation: [Float] { batch.observations }
    /// True once every task has played `options.episodes` episodes.
    public var isFinished: Bool { finishedEpisodes >= tasks.count * options.episodes }

    /// The policy's (or random) decision for the current observation.
    public func decide() -> Decision {
        guard let loaded, options.choice != .random else {
            return Decision.random(actionSpace: task.actionSpace, using: &rng)
        }
        return loaded.policy.decide(
            task: policyTask[taskIndex], observation: batch.observations, actionSpace: task.actionSpace,
            choice: options.choice, deterministic: options.deterministic, popArt: loaded.popArt, using: &rng)
    }

    /// Steps with `decision`; returns true when the step ended an episode (the environment resets itself).
    @discardableResult
    public func advance(with decision: Decision) -> Bool {
        lastDecision = decision
        decision.action.withUnsafeBufferPointer { batch.step(actions: $0) }
        step += 1
        episodeReturn += batch.rewards[0]
        guard batch.terminated[0] || batch.truncated[0] else { return false }
        _ = batch.takeFinishedEpisodes()
        finishedEpisodes += 1
        if episode >= options.episodes {
            nextTask()
        } else {
            episode += 1
            step = 0
            episodeReturn = 0
        }
        return true
    }

    /// Moves on to the next task (wrapping around), starting its first episode.
    public func nextTask() {
        taskIndex = (taskIndex + 1) % tasks.count
        batch = task.prototype.makeBatch(count: 1, seed: options.seed, stream: UInt64(taskIndex) << 32)
        episode = 1
        step = 0
        episodeReturn = 0
        lastDecision = nil
    }

    /// Restarts the current episode from a fresh initial state.
    public func restartEpisode() {
        batch.reset()
        step = 0
        episodeReturn = 0
        lastDecision = nil
    }

    /// The action the arrow keys mean for the current task: gridworlds move in the arrow's direction;
    /// discrete control tasks push left (first action), right (last) or nothing (the middle one, on ↓);
    /// box tasks apply the lowest, highest or zero action.
    public func manualAction(_ arrow: Arrow) -> [Float]? {
        switch task.actionSpace {
        case .discrete(let n):
            if task.spec.env == "Gridworld" {
                switch arrow {
                case .up: return [0];
                case .down: return [1];
                case .left: return [2];
                case .right: return [3]
                }
            }
            switch arrow {
            case .left: return [0]
            case .right: return [Float(n - 1)]
            case .down, .up: return n >= 3 ? [Float(n / 2)] : nil
            }
        case .box(let box):
            switch arrow {
            case .left: return box.low
            case .right: return box.high
            case .down, .up: return box.low.map { _ in 0 }
            }
        }
    }

    /// A one-line text summary of the state (for `--ascii` on non-grid tasks).
    public var summary: String {
        let obs = observation.prefix(6).map { String(format: "%.3f", $0) }.joined(separator: " ")
        let action = lastDecision.map { $0.action.map { String(format: "%g", $0) }.joined(separator: ",") } ?? "–"
        return String(format: "%@  episode %d  step %d  return %.2f  action %@  obs [%@]", task.name, episode, step, episodeReturn, action, obs)
    }
}

/// Arrow keys, for manual play.
public enum Arrow: Sendable { case up, down, left, right }
