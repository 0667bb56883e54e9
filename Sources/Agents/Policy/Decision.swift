import Foundation
import Environments
import NeuralNetworks
import Randomness

/// One action chosen for one observation, with what the policy thought: for the viewer's HUD.
public struct Decision: Sendable {
    /// The action to step with (an index, or the clipped Gaussian sample / mean).
    public var action: [Float]
    /// Categorical policies: every action's probability; empty otherwise.
    public var probabilities: [Float] = []
    /// Gaussian policies (the task policy's or π₀'s): the mean and standard deviation per dimension; empty otherwise.
    public var mean: [Float] = []
    public var standardDeviation: [Float] = []
    /// The value estimate `V(s)` (unnormalised), nil for random and distilled policies.
    public var value: Double?

    public init(action: [Float]) { self.action = action }

    /// A uniformly random action, with uniform probabilities for discrete spaces.
    public static func random(actionSpace: Space, using rng: inout RandomGenerator) -> Decision {
        var action = [Float](repeating: 0, count: actionSpace.flatSize)
        action.withUnsafeMutableBufferPointer { ActionSampler.uniform(space: actionSpace, rows: 1, using: &rng, into: $0) }
        var decision = Decision(action: action)
        if case .discrete(let n) = actionSpace { decision.probabilities = Array(repeating: 1 / Float(n), count: n) }
        return decision
    }
}

extension MultiTaskPolicy {
    /// Chooses task i's action for one observation with `choice` (uniform random needs no forward pass).
    public func decide(
        task i: Int, observation: [Float], actionSpace: Space, choice: PolicyChoice, deterministic: Bool,
        popArt: PopArt, using rng: inout RandomGenerator
    ) -> Decision {
        if choice == .random { return Decision.random(actionSpace: actionSpace, using: &rng) }
        var inputs = tasks.map { Tensor(rows: 0, columns: $0.observationSize) }
        inputs[i] = Tensor(rows: 1, columns: tasks[i].observationSize, values: observation)
        normalize(&inputs[i], task: i)
        forward(inputs)
        let output = actionOutput(task: i, choice: choice)
        let logStd = actionLogStd(task: i, choice: choice)
        var sampler = ActionSampler(kind: tasks[i].kind)
        var action = [Float](repeating: 0, count: tasks[i].kind.actionSize)
        action.withUnsafeMutableBufferPointer { sampler.sample(from: output, logStd: logStd, deterministic: deterministic, using: &rng, step: $0) }
        var decision = Decision(action: action)
        switch tasks[i].kind {
        case .categorical(let n):
            decision.probabilities = (0..<n).map { sampler.categorical.probability(row: 0, action: $0) }
        case .gaussian(let low, _):
            decision.mean = (0..<low.count).map { output[0, $0] }
            decision.standardDeviation = logStd.map { expf($0) }
        }
        if choice == .trained { decision.value = popArt.unnormalize(Double(valueOutput(i)[0, 0]), task: i) }
        return decision
    }
}
