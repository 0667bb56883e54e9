import Environments
import Foundation
import NeuralNetworks

/// A trained policy read back from a run directory or checkpoint file, with the suite it was trained on.
public struct LoadedPolicy {
    public let file: String
    public let configuration: AgentConfiguration
    public let suite: TaskSuite
    public let policy: MultiTaskPolicy
    public let popArt: PopArt

    /// Reads `runOrCheckpoint`: a run directory (its latest checkpoint) or a `.safetensors` file.
    public init(_ runOrCheckpoint: String, catalogue: Catalogue) throws(ChorusError) {
        let url = try RunDirectory.checkpointFile(runOrCheckpoint)
        file = url.path
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.read(from: url) } catch { throw ChorusError(file: url.path, problem: error.problem) }
        let setup = try TrainingRun.setup(of: checkpoint, file: url.path, catalogue: catalogue, suiteOverride: nil)
        configuration = setup.configuration
        suite = setup.suite
        let seed = setup.seed
        policy = MultiTaskPolicy(tasks: suite.tasks, configuration: configuration, seed: seed)
        do {
            try checkpoint.restore(into: policy.parameters)
            policy.observationNormalizer = try CheckpointLayout.observationStatistics(in: checkpoint, for: policy)
            popArt = try ActorCriticLearner.popArt(from: checkpoint, tasks: suite.tasks.count, configuration: configuration)
        } catch { throw ChorusError(file: url.path, problem: error.problem) }
    }

    /// For each task of `target`, the index of the trained task of the same name and spaces.
    public func policyTasks(for target: TaskSuite) throws(ChorusError) -> [Int] {
        var mapping: [Int] = []
        for task in target.tasks {
            guard let i = try index(of: task) else {
                throw ChorusError(
                    file: file,
                    problem: "has no heads for task '\(task.name)' (it was trained on: \(suite.tasks.map(\.name).joined(separator: ", ")))")
            }
            mapping.append(i)
        }
        return mapping
    }

    /// The index of the trained task named like `task`, nil when there is none; an error when its spaces differ.
    public func index(of task: Task) throws(ChorusError) -> Int? {
        guard let i = suite.tasks.firstIndex(where: { $0.name == task.name }) else { return nil }
        let trained = suite.tasks[i]
        guard trained.observationSpace.size == task.observationSpace.size, trained.actionSpace == task.actionSpace else {
            throw ChorusError(file: file, problem: "task '\(task.name)' has other observation or action spaces than the task it was trained on")
        }
        return i
    }

    /// Checks that `choice` can act with this policy (only Distral agents have a distilled π₀).
    public func check(_ choice: PolicyChoice) throws(ChorusError) {
        if choice == .distilled && policy.distilled == nil {
            throw ChorusError(
                file: file, problem: "has no distilled policy (agent '\(configuration.name)' is not a Distral agent); use --policy trained")
        }
    }
}
