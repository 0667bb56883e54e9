import Environments
import Randomness

/// Parses a fuzzed suite, then builds one environment of every task it accepts and steps it, so tasks
/// that parse but cannot run are found too.
enum SuiteHarness {
    static func run(_ text: String) -> FuzzOutcome {
        let suite: TaskSuite
        do { suite = try TaskSuite.parse(text, url: FuzzRepository.suiteURL, catalogue: FuzzRepository.catalogue) } catch {
            return .rejected(error.description)
        }
        var rng = RandomGenerator(seed: 1)
        for (i, task) in suite.tasks.enumerated() {
            let batch = task.prototype.makeBatch(count: 1, seed: 1, stream: UInt64(i))
            batch.reset()
            batch.stepRandomly(steps: 2, using: &rng)
        }
        return .accepted
    }
}
