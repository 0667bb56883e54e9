import Environments
import NeuralNetworks
import Randomness

/// The multi-task actor-critic network: an encoder per observation space → a shared torso → a policy
/// head and a value head per task.
///
/// With the `shared` architecture all tasks are routes of one `MultiHeadNetwork`, so one torso pass
/// serves the whole batch and each head runs on its task's rows. With `single-task` every task gets
/// its own network of the same sizes (parameters prefixed `<task>.`), the independent-learner baseline.
/// Value heads output one number: the normalised value when PopArt is on, the value otherwise.
///
/// Encoders are MLPs, except for image observation spaces (Box shape `[H, W, C]`) when the preset has
/// `network.conv`: those get a `ConvolutionalEncoder` (conv → activation → the encoder's dense layers).
///
/// A Distral agent also has the distilled policy π₀: a network of the same sizes with its own encoders
/// and torso (the paper's separate π₀ column, parameters prefixed `distilled.`) and one head per action
/// space, shared by every task with that space: logits h for a discrete space, the Gaussian mean μ₀ for a
/// box space, whose state-independent log σ₀ is the parameter `distilled.log_std.box-N` (one per box space,
/// shared like the head, so π₀ stays one policy for every task it serves). The task's own policy head is
/// then the column f_i (or q_i's mean μ_f).
public final class MultiTaskPolicy: ParameterContainer {
    /// A task's outputs as `backward` names them: its network's policy head (logits or Gaussian means) and
    /// value head, which are that network's heads 0 and 1, and Distral's π₀ logits or means (π₀'s only head).
    public enum Output: Int, Sendable {
        case policy = 0, value = 1, distilled = 2
    }

    public let tasks: [TaskHead]
    public let networks: [MultiHeadNetwork]
    /// The last layer of each task's value head (what PopArt rescales).
    public let valueLayers: [Linear]
    /// Distral's settings, when this is a Distral agent.
    public let distral: DistralConfiguration?
    /// π₀'s network (one route per task, in task order), when this is a Distral agent.
    public let distilled: MultiHeadNetwork?
    /// π₀'s log σ₀ per box action space (`distilled.log_std.box-N`, in order of first use), when this is a Distral agent.
    public let distilledLogStds: [Parameter]
    /// For each task, its index in `distilledLogStds` (nil for discrete tasks and non-Distral agents).
    private let distilledLogStdIndices: [Int?]
    private var twoColumnLogits: [Tensor]
    /// Per-task observation statistics when the preset normalises observations (nil otherwise): callers with raw
    /// observations pass them through `normalize(_:task:)` before `forward`.
    public var observationNormalizer: ObservationNormalizer?

    public convenience init(tasks: [Task], configuration: AgentConfiguration, seed: UInt64) {
        self.init(signatures: tasks.map(TaskSignature.init), configuration: configuration, seed: seed)
    }

    /// A policy for tasks given by their signatures (what `init(tasks:…)` reads of each task).
    public init(signatures specs: [TaskSignature], configuration c: AgentConfiguration, seed: UInt64) {
        var rng = RandomGenerator(seed: seed, stream: 0x7E7_0001)
        let activation: Activation = c.activation == "relu" ? .relu : .tanh
        let torsoOutput = c.torsoSizes.last!
        let encoderOutput = c.encoderSizes.last!

        // Tasks with the same observation space share an encoder; it is named after the first such task's env.
        func encoderKey(_ task: TaskSignature) -> String {
            let first = specs.first { $0.observationSpace == task.observationSpace }!
            return "\(first.environment)-\(first.observationSpace.size)"
        }
        func makeEncoder(name: String, space: Box) -> any Encoder {
            if let conv = c.convolution, ConvolutionConfiguration.readsImages(of: space) {
                return ConvolutionalEncoder(
                    name: name, height: space.shape[0], width: space.shape[1], channels: space.shape[2], filters: conv.filters,
                    kernel: conv.kernel, stride: conv.stride, padding: conv.padding, denseSizes: c.encoderSizes, activation: activation,
                    using: &rng)
            }
            return MLP(name: name, sizes: [space.size] + c.encoderSizes, activation: activation, activateOutput: true, using: &rng)
        }
        func makeDistilledNetwork() -> MultiHeadNetwork {
            var encoders: [String: any Encoder] = [:], heads: [String: MLP] = [:], routes: [MultiHeadNetwork.Route] = []
            for task in specs {
                let key = encoderKey(task)
                if encoders[key] == nil { encoders[key] = makeEncoder(name: "distilled.encoder.\(key)", space: task.observationSpace) }
                let kind = TaskHead.kind(for: task.actionSpace)
                let head = "policy.\(Self.actionSpaceKey(task.actionSpace))"
                if heads[head] == nil {
                    heads[head] = MLP(
                        name: "distilled.\(head)", sizes: [torsoOutput] + c.headSizes + [kind.outputSize],
                        activation: activation, activateOutput: false,
                        outputInitialization: .orthogonal(gain: 0.01), using: &rng)
                }
                routes.append(.init(encoder: key, heads: [head]))
            }
            let torso = MLP(name: "distilled.torso", sizes: [encoderOutput] + c.torsoSizes, activation: activation, activateOutput: true, using: &rng)
            return MultiHeadNetwork(encoders: encoders, torso: torso, heads: heads, routes: routes)
        }
        func makeNetwork(prefix: String, members: [Int]) -> MultiHeadNetwork {
            var encoders: [String: any Encoder] = [:], heads: [String: MLP] = [:], routes: [MultiHeadNetwork.Route] = []
            for i in members {
                let task = specs[i]
                let key = encoderKey(task)
                if encoders[key] == nil { encoders[key] = makeEncoder(name: "\(prefix)encoder.\(key)", space: task.observationSpace) }
                let outputs = TaskHead.kind(for: task.actionSpace).outputSize
                heads["policy.\(task.name)"] = MLP(
                    name: "\(prefix)policy.\(task.name)", sizes: [torsoOutput] + c.headSizes + [outputs],
                    activation: activation, activateOutput: false,
                    outputInitialization: .orthogonal(gain: 0.01), using: &rng)
                heads["value.\(task.name)"] = MLP(
                    name: "\(prefix)value.\(task.name)", sizes: [torsoOutput] + c.headSizes + [1],
                    activation: activation, activateOutput: false,
                    outputInitialization: .orthogonal(gain: 1), using: &rng)
                routes.append(.init(encoder: key, heads: ["policy.\(task.name)", "value.\(task.name)"]))
            }
            let torso = MLP(name: "\(prefix)torso", sizes: [encoderOutput] + c.torsoSizes, activation: activation, activateOutput: true, using: &rng)
            return MultiHeadNetwork(encoders: encoders, torso: torso, heads: heads, routes: routes)
        }

        var networks: [MultiHeadNetwork] = []
        var heads: [TaskHead] = []
        switch c.architecture {
        case .shared:
            networks = [makeNetwork(prefix: "", members: Array(specs.indices))]
        case .singleTask:
            networks = specs.indices.map { makeNetwork(prefix: "\(specs[$0].name).", members: [$0]) }
        }
        for (i, task) in specs.enumerated() {
            let kind = TaskHead.kind(for: task.actionSpace)
            var logStd: Parameter?
            if case .gaussian(let low, _) = kind {
                logStd = Parameter(name: "log_std.\(task.name)", value: Tensor(rows: 1, columns: low.count))
            }
            heads.append(
                TaskHead(
                    name: task.name, kind: kind, observationSize: task.observationSpace.size,
                    network: c.architecture == .shared ? 0 : i, route: c.architecture == .shared ? i : 0, logStd: logStd))
        }
        self.tasks = heads
        self.networks = networks
        self.valueLayers = heads.map { networks[$0.network].heads["value.\($0.name)"]!.layers.last! }
        self.distral = c.distral
        self.distilled = c.distral == nil ? nil : makeDistilledNetwork()
        var distilledLogStds: [Parameter] = [], distilledLogStdIndices: [Int?] = []
        for task in specs {
            guard c.distral != nil, case .box(let box) = task.actionSpace else {
                distilledLogStdIndices.append(nil)
                continue
            }
            let name = "distilled.log_std.\(Self.actionSpaceKey(task.actionSpace))"
            if let index = distilledLogStds.firstIndex(where: { $0.name == name }) {
                distilledLogStdIndices.append(index)
            } else {
                distilledLogStdIndices.append(distilledLogStds.count)
                distilledLogStds.append(Parameter(name: name, value: Tensor(rows: 1, columns: box.low.count)))
            }
        }
        self.distilledLogStds = distilledLogStds
        self.distilledLogStdIndices = distilledLogStdIndices
        self.twoColumnLogits = specs.map { _ in Tensor(rows: 0, columns: 0) }
        if c.normalizeObservations {
            observationNormalizer = ObservationNormalizer(observationSizes: specs.map(\.observationSpace.size), clip: c.observationClip)
        }
    }

    /// The name of π₀'s head for an action space (`discrete-4`, `box-1`).
    static func actionSpaceKey(_ space: Space) -> String {
        switch space {
        case .discrete(let n): return "discrete-\(n)"
        case .box(let box): return "box-\(box.low.count)"
        }
    }

    public var parameters: [Parameter] {
        networks.flatMap(\.parameters) + tasks.compactMap(\.logStd) + (distilled?.parameters ?? []) + distilledLogStds
    }

    /// The parameters training updates: all but those whose names start with one of `frozen`'s prefixes.
    public func trainableParameters(frozen: [String]) -> [Parameter] {
        parameters.filter { parameter in !frozen.contains { parameter.name.hasPrefix($0) } }
    }

    /// The parameters more than one task's loss reaches: the shared torso and every encoder several tasks read
    /// (none for the `single-task` architecture). Distral's π₀ is left out.
    public var sharedParameters: [Parameter] {
        guard networks.count == 1, tasks.count > 1 else { return [] }
        let network = networks[0]
        let readers = Dictionary(grouping: network.routes, by: \.encoder)
        return network.torso.parameters + readers.filter { $0.value.count > 1 }.keys.sorted().flatMap { network.encoders[$0]!.parameters }
    }

    /// Normalises raw observations of task i for the network (nothing when the preset does not normalise).
    public func normalize(_ observations: inout Tensor, task i: Int) {
        observationNormalizer?.normalize(&observations, task: i)
    }

    /// Runs every task's batch (`observations[i]` is task i's `[rows × observation size]`, normalised).
    public func forward(_ observations: [Tensor]) {
        precondition(observations.count == tasks.count, "one observation batch per task")
        if networks.count == 1 {
            networks[0].forward(observations)
        } else {
            for (i, network) in networks.enumerated() { network.forward([observations[i]]) }
        }
        distilled?.forward(observations)
    }

    /// Runs every task's value layer (the value head's last) again on its input from the last forward pass,
    /// after POP rescaled it: the outputs are those a whole forward pass would give, bit for bit.
    public func rerunValueLayers() {
        for task in tasks { networks[task.network].rerunHeadOutputLayer(route: task.route, head: Output.value.rawValue) }
    }

    /// Task i's policy-head output from the last forward pass: logits, or Gaussian means.
    public func policyOutput(_ task: Int) -> Tensor {
        networks[tasks[task].network].output(route: tasks[task].route, head: Output.policy.rawValue)
    }

    /// The output that `choice` acts with for task i after a forward pass: Distral's π₀ logits (or means)
    /// for `.distilled`, the task's action logits (or Gaussian means) otherwise.
    public func actionOutput(task i: Int, choice: PolicyChoice) -> Tensor {
        choice == .distilled ? distilledOutput(i) : actionLogits(i)
    }

    /// The Gaussian log-std that `choice` acts with for task i (empty for discrete tasks): π₀'s log σ₀ for
    /// `.distilled`, the task policy's otherwise.
    public func actionLogStd(task i: Int, choice: PolicyChoice) -> [Float] {
        choice == .distilled ? distilledLogStd(i) : actionLogStd(i)
    }

    /// Task i's action logits (or Gaussian means) from the last forward pass: the policy head's output, or
    /// for a 2-column Distral agent `α·h + β·f_i` with h = π₀'s logits and f_i the task column (box tasks:
    /// the mean of `π₀^α · q_i`, see `TwoColumnGaussian`).
    ///
    /// The task column's head outputs `β·f_i` directly (f_i in logit units). The functions are the same
    /// as the paper's, but β = 1/(c_KL + c_Ent) (100 or 500 for the presets) no longer multiplies the column's effective learning
    /// rate, which otherwise makes the task policies collapse within a few updates.
    public func actionLogits(_ task: Int) -> Tensor {
        guard let d = distral, d.columns == 2 else { return policyOutput(task) }
        switch tasks[task].kind {
        case .categorical:
            Distral.twoColumnLogits(
                h: distilledOutput(task), f: policyOutput(task), alpha: Float(d.alpha), beta: 1,
                into: &twoColumnLogits[task])
        case .gaussian:
            twoColumnGaussian(task).mean(distilled: distilledOutput(task), column: policyOutput(task), into: &twoColumnLogits[task])
        }
        return twoColumnLogits[task]
    }

    /// Task i's Gaussian log-std (empty for discrete tasks): its `log_std.<task>`, or for a 2-column Distral
    /// agent the log σ of `π₀^α · q_i`.
    public func actionLogStd(_ task: Int) -> [Float] {
        guard let logStd = tasks[task].logStd else { return [] }
        guard let d = distral, d.columns == 2 else { return logStd.value.storage }
        return twoColumnGaussian(task).logStd
    }

    /// A 2-column Distral agent's product `π₀^α · q_i` for box task i (its weights and log-std; the means
    /// come from the last forward pass).
    public func twoColumnGaussian(_ task: Int) -> TwoColumnGaussian {
        TwoColumnGaussian(distilledLogStd: distilledLogStd(task), columnLogStd: tasks[task].logStd!.value.storage, alpha: distral!.alpha)
    }

    /// π₀'s logits h (discrete) or means μ₀ (box) for task i's rows of the last forward pass (Distral agents only).
    public func distilledOutput(_ task: Int) -> Tensor { distilled!.output(route: task, head: Self.distilledHead) }

    /// π₀'s log σ₀ parameter for box task i (nil for discrete tasks and non-Distral agents).
    public func distilledLogStdParameter(_ task: Int) -> Parameter? { distilledLogStdIndices[task].map { distilledLogStds[$0] } }

    /// π₀'s log σ₀ for box task i (empty for discrete tasks).
    public func distilledLogStd(_ task: Int) -> [Float] { distilledLogStdParameter(task)?.value.storage ?? [] }

    /// π₀'s network has one head per route, its logits or means.
    static let distilledHead = 0

    /// Task i's value-head output (`rows × 1`) from the last forward pass.
    public func valueOutput(_ task: Int) -> Tensor {
        networks[tasks[task].network].output(route: tasks[task].route, head: Output.value.rawValue)
    }

    /// Task i's torso features (its last hidden layer, `rows × torso size`) from the last forward pass.
    public func features(_ task: Int) -> Tensor { networks[tasks[task].network].features(route: tasks[task].route) }

    /// Backpropagates the last forward pass. `fill(task, output, &gradient)` writes ∂L/∂output of the
    /// task's `.policy` head, `.value` head or, for Distral agents, π₀'s logits or means on the task's rows
    /// (`.distilled`; the learner writes π₀'s log σ₀ gradients to their parameters directly);
    /// `featureGradient(task, &gradient)`, when given, adds ∂L/∂features of the task's torso features.
    /// Parameter gradients accumulate.
    public func backward(
        _ fill: (_ task: Int, _ output: Output, _ gradient: inout Tensor) -> Void,
        featureGradient: ((_ task: Int, _ gradient: inout Tensor) -> Void)? = nil
    ) {
        if networks.count == 1 {
            networks[0].backward(
                { route, head, gradient in fill(route, Output(rawValue: head)!, &gradient) },
                featureGradient: featureGradient.map { add in { route, gradient in add(route, &gradient) } })
        } else {
            for (i, network) in networks.enumerated() {
                network.backward(
                    { _, head, gradient in fill(i, Output(rawValue: head)!, &gradient) },
                    featureGradient: featureGradient.map { add in { _, gradient in add(i, &gradient) } })
            }
        }
        distilled?.backward { route, _, gradient in fill(route, .distilled, &gradient) }
    }
}
