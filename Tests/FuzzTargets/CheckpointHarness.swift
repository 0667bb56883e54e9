import Agents
import Environments
import NeuralNetworks

/// A fixed small trainer that fuzzed checkpoints are restored into; it is reset to its own pristine
/// checkpoint after every input (rebuilt after one whose training threw), so each input is judged on its own.
public final class CheckpointHarness {
    /// The one harness of the process (libFuzzer runs inputs one at a time on one thread).
    nonisolated(unsafe) public static let shared = CheckpointHarness()

    /// CartPole (discrete, terminates), Pendulum (box actions, truncates) and a gridworld (its agent cell is in the state).
    public static let suiteYAML = """
        description: the checkpoint fuzz target's trainer
        tasks:
          - {name: cart, env: CartPole-v1, solved_return: 475}
          - {name: pendulum, env: Pendulum-v1, max_steps: 7, solved_return: -200}
          - {name: room, env: Gridworld, map: empty-8x8, max_steps: 20, solved_return: 0.9}
        """

    /// A small PPO preset with PopArt on, so the PopArt statistics in a checkpoint are used.
    public static let presetYAML = """
        algorithm: ppo
        network: {encoder: [8], torso: [8], head: [], activation: tanh}
        envs_per_task: 2
        rollout_steps: 4
        total_steps: 1000
        estimator: gae
        epochs: 1
        minibatches: 1
        optimizer: adam
        learning_rate: 0.001
        lr_schedule: linear
        popart: {enabled: true}
        """

    public private(set) var trainer: ActorCriticLearner
    /// The trainer's checkpoint before any input, restored after each one.
    public let pristine: Checkpoint

    public init() {
        trainer = Self.makeTrainer()
        pristine = trainer.checkpoint(suite: "fuzz")
    }

    static func makeTrainer() -> ActorCriticLearner {
        do {
            let suite = try TaskSuite.parse(Self.suiteYAML, url: FuzzRepository.suiteURL, catalogue: FuzzRepository.catalogue)
            let preset = try AgentConfiguration.parse(Self.presetYAML, file: "<checkpoint harness>")
            return ActorCriticLearner(tasks: suite.tasks, configuration: preset, seed: 1, threads: 1)
        } catch { fatalError("the checkpoint harness's suite or preset is invalid: \(error)") }
    }

    /// Decodes `bytes`, restores them into the trainer and, when they are accepted, trains one iteration from
    /// them; when that throws (a non-finite loss), trains once more, since a trainer that threw must stay usable.
    public func run(_ bytes: [UInt8]) -> FuzzOutcome {
        var threw = false
        defer { reset(rebuild: threw) }
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.decode(bytes) } catch { return .rejected(error.description) }
        do { try trainer.restore(from: checkpoint) } catch { return .rejected(error.description) }
        do { try trainer.iterate() } catch {
            threw = true
            try? trainer.iterate()
        }
        return .accepted
    }

    /// Puts the trainer back into its pristine state (a new trainer when training threw: state outside the
    /// checkpoint, such as buffer shapes, may be left over).
    func reset(rebuild: Bool) {
        if rebuild { trainer = Self.makeTrainer() }
        do { try trainer.restore(from: pristine) } catch { fatalError("the pristine checkpoint no longer restores: \(error)") }
    }
}
