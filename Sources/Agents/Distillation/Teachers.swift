import Environments
import Foundation
import NeuralNetworks

/// The trained runs a student learns from, matched by task name to the student's suite.
///
/// Every student task needs exactly one teacher run holding a task of that name with the same
/// observation and action spaces; every teacher run must teach at least one task. Each check fails
/// with a message naming the file before any work starts.
public final class Teachers {
    public let runs: [LoadedPolicy]
    /// For each student task: the teacher run and the index of the task in that run.
    public let assignments: [(run: Int, task: Int)]
    private var inputs: [[Tensor]]

    /// Loads the teacher runs (run directories or checkpoint files) and matches them to `suite`'s tasks.
    public init(_ paths: [String], suite: TaskSuite, suiteReference: String, catalogue: Catalogue) throws(ChorusError) {
        guard !paths.isEmpty else { throw ChorusError(file: suiteReference, problem: "needs at least one teacher run (--teachers)") }
        var runs: [LoadedPolicy] = []
        for path in paths { runs.append(try LoadedPolicy(path, catalogue: catalogue)) }
        var assignments: [(run: Int, task: Int)] = []
        for task in suite.tasks {
            var found: [(run: Int, task: Int)] = []
            for (r, run) in runs.enumerated() {
                if let t = try run.index(of: task) { found.append((r, t)) }
            }
            guard let first = found.first else {
                throw ChorusError(
                    file: suiteReference, problem: "task '\(task.name)' has no teacher: none of \(paths.joined(separator: ", ")) was trained on it")
            }
            guard found.count == 1 else {
                throw ChorusError(
                    file: runs[found[1].run].file,
                    problem: "teaches task '\(task.name)', which \(runs[first.run].file) teaches too; pass one teacher per task")
            }
            assignments.append(first)
        }
        for (r, run) in runs.enumerated() where !assignments.contains(where: { $0.run == r }) {
            throw ChorusError(
                file: run.file,
                problem:
                    "teaches none of the tasks of suite '\(suite.name)' (\(suite.tasks.map(\.name).joined(separator: ", "))); it was trained on \(run.suite.tasks.map(\.name).joined(separator: ", "))"
            )
        }
        for (i, task) in suite.tasks.enumerated() {
            let teacher = runs[assignments[i].run].policy.tasks[assignments[i].task]
            if case .gaussian = teacher.kind, teacher.logStd == nil {
                throw ChorusError(file: runs[assignments[i].run].file, problem: "task '\(task.name)' has no log-std parameter")
            }
        }
        self.runs = runs
        self.assignments = assignments
        inputs = runs.map { $0.policy.tasks.map { Tensor(rows: 0, columns: $0.observationSize) } }
    }

    /// Student task i's teacher network.
    public func policy(for i: Int) -> MultiTaskPolicy { runs[assignments[i].run].policy }

    /// The number of parameters of the network that acts for student task i in its teacher run.
    public func parameterCount(for i: Int) -> Int {
        let teacher = policy(for: i), head = teacher.tasks[assignments[i].task]
        return teacher.networks[head.network].parameterCount + (head.logStd?.value.count ?? 0)
    }

    /// Each student task's actor for `Evaluator.evaluate(suite:tasks:actors:)`: its teacher.
    public var actors: [(policy: MultiTaskPolicy, task: Int)] { assignments.map { (runs[$0.run].policy, $0.task) } }

    /// Runs student task i's teacher on `observations`; read the results with `outputs`, `logStd`,
    /// `values` and `features`.
    public func forward(task i: Int, observations: Tensor) {
        let (r, t) = assignments[i]
        inputs[r][t] = observations
        runs[r].policy.normalize(&inputs[r][t], task: t)
        runs[r].policy.forward(inputs[r])
        inputs[r][t].reshape(rows: 0, columns: observations.columns)
    }

    /// The teacher's logits or Gaussian means for task i from the last `forward`.
    public func outputs(task i: Int) -> Tensor { policy(for: i).actionLogits(assignments[i].task) }

    /// The teacher's Gaussian log-std for task i (empty for categorical tasks; a 2-column Distral teacher's product's).
    public func logStd(task i: Int) -> [Float] { policy(for: i).actionLogStd(assignments[i].task) }

    /// The teacher's value-head outputs (in its PopArt-normalised units) for task i from the last `forward`.
    public func values(task i: Int) -> Tensor { policy(for: i).valueOutput(assignments[i].task) }

    /// The teacher's last hidden layer for task i from the last `forward`.
    public func features(task i: Int) -> Tensor { policy(for: i).features(assignments[i].task) }

    /// The teacher's value statistics for task i: `(μ, σ)` that turn its value outputs into returns.
    public func valueScale(task i: Int) -> (mean: Double, sigma: Double) {
        let (r, t) = assignments[i]
        return (runs[r].popArt.mean(t), runs[r].popArt.sigma(t))
    }

    /// The size of the teacher's last hidden layer for task i.
    public func featureSize(task i: Int) -> Int { runs[assignments[i].run].configuration.torsoSizes.last! }
}
