import Environments
import Randomness

/// Steps per second of every built-in environment, alone and in a 16-environment batch, with random
/// actions, auto-reset and observation encoding included.
enum EnvironmentBenchmark {
    /// Gymnasium 1.4 / MiniGrid 3.2 single-env steps/s measured on this 2-core machine (see the issue).
    static let pythonReference: [String: Double] = ["CartPole-v1": 140_000, "Gridworld 8x8": 9_500]

    static func run(_ timer: Stopwatch) -> BenchmarkSection {
        let emptyRoom = try! GridMap.parse("########\n#A.....#\n#......#\n#......#\n#......#\n#......#\n#.....G#\n########", name: "empty-8x8")
        let prototypes: [(String, EnvironmentPrototype)] = EnvironmentPrototype.registry.compactMap { entry in
            EnvironmentPrototype.classicControl(entry.id).map { (entry.id, $0) }
        } + [("Gridworld 8x8", .gridworld(Gridworld(map: emptyRoom)))]
        var rows: [(String, [Double])] = []
        for (name, prototype) in prototypes {
            var rng = RandomGenerator(seed: 2)
            var rates = [timer.rate(unitsPerCall: 4096) { _ = prototype.stepRandomly(steps: 4096, using: &rng) }]
            let batch = prototype.makeBatch(count: 16, seed: 1)
            rates.append(timer.rate(unitsPerCall: 4096) {
                batch.stepRandomly(steps: 256, using: &rng)
                _ = batch.takeFinishedEpisodes()
            })
            let reference = pythonReference[name]
            rows.append((name, rates + [reference ?? .nan, reference.map { rates[0] / $0 } ?? .nan]))
        }
        return BenchmarkSection(
            title: "Environments: steps/s on one core (random actions, auto-reset, observations included)",
            columns: ["1 env", "16 envs", "Python", "× Python"],
            rows: rows,
            notes: ["Python: Gymnasium CartPole-v1 and MiniGrid-Empty-8x8 single-env steps/s on the same machine."]
        )
    }
}
