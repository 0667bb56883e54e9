import Agents
import Environments
import NeuralNetworks
import TestSupport
import Testing

/// The policy's architecture: what is shared, what is per task, and how heads read their rows.
@Suite struct MultiTaskPolicyTests {
    static let suite = TaskSuite.fromText(
        """
        tasks:
          - {name: car, env: MountainCar-v0, solved_return: -110}
          - {name: car-continuous, env: MountainCarContinuous-v0, solved_return: 90}
          - {name: cart, env: CartPole-v1, solved_return: 475}
        """)

    @Test func sharedArchitectureSharesEncodersByObservationSpaceAndOneTorso() {
        let policy = MultiTaskPolicy(tasks: Self.suite.tasks, configuration: .tiny, seed: 1)
        let names = Set(policy.parameters.map(\.name))
        #expect(policy.networks.count == 1)
        #expect(names.contains("encoder.MountainCar-v0-2.0.weight"), "both mountain cars share one encoder")
        #expect(names.contains("encoder.CartPole-v1-4.0.weight") && names.contains("torso.0.weight"))
        #expect(names.filter { $0.hasPrefix("encoder.") }.count == 4, "two encoders, weight and bias each")
        for task in ["car", "car-continuous", "cart"] {
            #expect(names.contains("policy.\(task).0.weight") && names.contains("value.\(task).0.weight"))
        }
        #expect(names.contains("log_std.car-continuous") && !names.contains("log_std.car"))
        #expect(policy.tasks.map(\.kind) == [.categorical(3), .gaussian(low: [-1], high: [1]), .categorical(2)])
    }

    @Test func singleTaskArchitectureSharesNothing() {
        var c = AgentConfiguration.tiny
        c.architecture = .singleTask
        let policy = MultiTaskPolicy(tasks: Self.suite.tasks, configuration: c, seed: 1)
        #expect(policy.networks.count == 3)
        for (i, network) in policy.networks.enumerated() {
            let prefix = Self.suite.tasks[i].name + "."
            #expect(network.parameters.allSatisfy { $0.name.hasPrefix(prefix) })
        }
        // A gradient on one task's outputs reaches only that task's network.
        let inputs = policy.tasks.map { Tensor(rows: 2, columns: $0.observationSize, values: Array(repeating: 0.5, count: 2 * $0.observationSize)) }
        policy.forward(inputs)
        policy.zeroGradients()
        policy.backward { task, _, gradient in if task == 1 { gradient.fill(1) } }
        for (i, network) in policy.networks.enumerated() {
            let touched = network.parameters.contains { $0.gradient.storage.contains { $0 != 0 } }
            #expect(touched == (i == 1), "network \(i)")
        }
    }

    @Test func eachHeadReadsItsOwnRowsOfOneTorsoPass() {
        let policy = MultiTaskPolicy(tasks: Self.suite.tasks, configuration: .tiny, seed: 2)
        let a = policy.tasks.map { Tensor(rows: 3, columns: $0.observationSize, values: (0..<(3 * $0.observationSize)).map { Float($0) / 10 }) }
        policy.forward(a)
        let together = policy.policyOutput(2)
        // Changing another task's inputs leaves this task's outputs unchanged.
        var b = a
        b[0] = Tensor(rows: 5, columns: 2, values: Array(repeating: -3, count: 10))
        policy.forward(b)
        // (Equal up to BLAS rounding: its blocking depends on the batch's row count.)
        let apart = policy.policyOutput(2)
        #expect(zip(apart.storage, together.storage).allSatisfy { abs($0 - $1) <= 1e-6 })
    }
}
