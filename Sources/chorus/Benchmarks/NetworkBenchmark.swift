import NeuralNetworks
import Randomness

/// Forward and backward throughput of the multi-task network shape Chorus trains: a 64→64→64 tanh
/// torso read by a policy head (64→8) and a value head (64→1), batch 256.
enum NetworkBenchmark {
    static let batch = 256, width = 64, policyOutputs = 8

    static func run(_ timer: Stopwatch) -> BenchmarkSection {
        var rng = RandomGenerator(seed: 3)
        let encoder = MLP(name: "encoders.obs", sizes: [width, width], activation: .tanh, activateOutput: true, using: &rng)
        let torso = MLP(name: "torso", sizes: [width, width], activation: .tanh, activateOutput: true, using: &rng)
        let heads = [
            "policy": MLP(name: "heads.policy", sizes: [width, policyOutputs], activation: .identity, activateOutput: false, using: &rng),
            "value": MLP(name: "heads.value", sizes: [width, 1], activation: .identity, activateOutput: false, using: &rng),
        ]
        let network = MultiHeadNetwork(
            encoders: ["obs": encoder], torso: torso, heads: heads,
            routes: [.init(encoder: "obs", heads: ["policy", "value"])])
        let input = Tensor(rows: batch, columns: width, values: (0..<(batch * width)).map { _ in Float(rng.uniform(-1, 1)) })
        let inputs = [input]
        // Products per sample: 64×64 twice, 64×8 and 64×1; backward does two products per layer
        // (the input layer's input gradient is skipped).
        let forwardFlops = 2.0 * Double(batch) * Double(width * width * 2 + width * policyOutputs + width)
        let backwardFlops = 2.0 * Double(batch) * Double(width * width * 3 + 2 * (width * policyOutputs + width))

        let forwardRate = timer.rate(unitsPerCall: Double(batch)) { network.forward(inputs) }
        let trainRate = timer.rate(unitsPerCall: Double(batch)) {
            network.forward(inputs)
            network.backward { _, _, gradient in gradient.fill(0.01) }
        }
        let forwardGflops = forwardRate / Double(batch) * forwardFlops / 1e9
        let trainGflops = trainRate / Double(batch) * (forwardFlops + backwardFlops) / 1e9
        return BenchmarkSection(
            title: "Network: 64→64→64 tanh torso, policy (8) and value heads, batch \(batch), one core",
            columns: ["samples/s", "GFLOP/s"],
            rows: [("forward", [forwardRate, forwardGflops]), ("forward+backward", [trainRate, trainGflops])],
            notes: ["OpenBLAS kernels: \(BLASKernels.coreName) (1 thread)"]
        )
    }
}
