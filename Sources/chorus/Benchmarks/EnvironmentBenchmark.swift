import Environments
import Randomness

/// Steps per second of every registered environment (with its standard settings), alone and in a 16-environment batch, with random
/// actions, auto-reset and observation encoding included.
enum EnvironmentBenchmark {
    static func run(_ timer: Stopwatch) -> BenchmarkSection {
        let prototypes = EnvironmentRegistry.members.map { ($0.id, $0.standard()) }
        var rows: [(String, [Double])] = []
        for (name, prototype) in prototypes {
            var rng = RandomGenerator(seed: 2)
            var rates = [timer.rate(unitsPerCall: 4096) { _ = prototype.stepRandomly(steps: 4096, using: &rng) }]
            let batch = prototype.makeBatch(count: 16, seed: 1)
            rates.append(
                timer.rate(unitsPerCall: 4096) {
                    batch.stepRandomly(steps: 256, using: &rng)
                    _ = batch.takeFinishedEpisodes()
                })
            rows.append((name, rates))
        }
        return BenchmarkSection(
            title: "Environments: steps/s on one core (random actions, auto-reset, observations included)",
            columns: ["1 env", "16 envs"],
            rows: rows,
            notes: ["Python peers (Gymnasium, MiniGrid, MinAtar) are measured side by side by experiments/peers/run.sh."]
        )
    }
}
