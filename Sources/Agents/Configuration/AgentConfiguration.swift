import Environments
import Foundation

/// An agent preset: the learning algorithm, the network and every hyperparameter, read strictly from YAML.
///
/// Loss reduction convention (kept by every preset): each loss term is the **mean over that task's
/// samples**, and the task terms are **summed** over tasks, so every task weighs the same whatever its
/// number of environments, and learning rates are those of single-task code that uses means.
public struct AgentConfiguration: Equatable, Sendable {
    public enum Algorithm: String, Sendable, CaseIterable { case a2c, ppo }
    public enum Architecture: String, Sendable, CaseIterable {
        /// One network: per-space encoders → shared torso → per-task heads.
        case shared
        /// An independent network of the same sizes for every task (the single-task baseline).
        case singleTask = "single-task"
    }
    public enum Estimator: String, Sendable, CaseIterable { case gae, nstep, vtrace }
    public enum OptimizerKind: String, Sendable, CaseIterable { case adam, rmsprop }
    public enum Schedule: String, Sendable, CaseIterable { case constant, linear }
    /// How acting and learning take turns.
    public enum ActorLearnerMode: String, Sendable, CaseIterable {
        /// Collect a rollout with θ_k, then learn θ_{k+1} from it (behaviour and target policies coincide).
        case synchronous
        /// The actor collects rollout k+1 with θ_k on one thread while the learner computes θ_{k+1} from
        /// rollout k on another: a lag of one update, corrected by V-trace's importance weights.
        case pipelined
        /// Under `mpirun -np N`: rank 0 learns, ranks 1…N−1 act (`RemoteActor`), each rollout collected with
        /// parameters 2(N−1) − 1 updates old; V-trace corrects the lag.
        case remote
    }

    public var name = "custom"
    public var algorithm = Algorithm.ppo
    public var architecture = Architecture.shared
    public var encoderSizes = [64]
    public var torsoSizes = [64]
    public var headSizes: [Int] = []
    public var activation = "tanh"
    /// The convolution starting the encoder of image observation spaces (Box shape `[H, W, C]`); nil: MLP
    /// encoders for every space.
    public var convolution: ConvolutionConfiguration?
    public var environmentsPerTask = 8
    public var rolloutSteps = 32
    public var totalSteps = 100_000
    public var gamma = 0.99
    public var estimator = Estimator.gae
    public var actorLearner = ActorLearnerMode.synchronous
    /// Pipelined mode: how many updates the actor's parameters trail the learner's (1: it acts with θ_k while θ_{k+1} is learned).
    public var actorLag = 1
    /// Pipelined mode: V-trace's importance weights correct the actor's lag; false forces `log ρ = 0` (an ablation).
    public var lagCorrection = true
    public var gaeLambda = 0.95
    public var rhoBar = 1.0
    public var cBar = 1.0
    public var epochs = 4
    public var minibatches = 4
    public var clipRange = 0.2
    public var clipSchedule = Schedule.constant
    /// PPO value clipping range in the value head's output units; 0 turns it off.
    public var valueClipRange = 0.0
    public var normalizeAdvantages = true
    /// How the tasks' gradients on shared parameters are combined: summed, by PCGrad, or weighted by GradNorm.
    public enum GradientSurgery: String, Sendable, CaseIterable { case none, pcgrad, gradnorm }
    public var gradientSurgery = GradientSurgery.none
    /// GradNorm's learning rate η for the task weights.
    public var gradNormRate = 0.025
    /// Per-task running observation normalisation (`ObservationNormalizer`) and its clip.
    public var normalizeObservations = false
    public var observationClip = 10.0
    /// Parameter-name prefixes left out of training (`frozen: ["distilled."]` keeps Distral's π₀ fixed, as a
    /// prior for new tasks); empty trains everything.
    public var frozen: [String] = []
    /// Learning rewards clipped to `[−rewardClip, rewardClip]` (the Atari convention); 0 = off.
    public var rewardClip = 0.0
    public var entropyCoefficient = 0.0
    /// `linear` anneals `entropy_coef` to 0 over `total_steps` (exploration early, none to drift on late).
    public var entropySchedule = Schedule.constant
    public var valueCoefficient = 0.5
    public var maxGradientNorm = 0.5
    public var optimizer = OptimizerKind.adam
    public var learningRate = 3e-4
    public var learningRateSchedule = Schedule.constant
    public var optimizerEpsilon = 1e-5
    public var popArt = false
    public var popArtBeta = 3e-3
    public var popArtSigmaMin = 1e-2
    public var popArtSigmaMax = 1e6
    public var logInterval = 10_000
    public var evaluationEpisodes = 20
    /// Distral's regularisation and distilled policy π₀; nil for a plain actor-critic.
    public var distral: DistralConfiguration?
    /// How `chorus distill` trains this network from teachers; nil for a preset made for `chorus train`.
    public var distillation: DistillationConfiguration?

    public init() {}

    static let keys: Set<String> = [
        "name", "algorithm", "architecture", "network", "envs_per_task", "rollout_steps", "total_steps", "gamma",
        "estimator", "actor_learner", "actor_lag", "lag_correction", "gae_lambda", "vtrace_rho_bar", "vtrace_c_bar", "epochs", "minibatches",
        "clip_range",
        "clip_schedule", "entropy_schedule", "value_clip_range", "normalize_advantages", "normalize_observations", "observation_clip",
        "gradient_surgery", "reward_clip",
        "frozen", "gradnorm_rate",
        "entropy_coef",
        "value_coef",
        "max_grad_norm",
        "optimizer", "learning_rate", "lr_schedule", "optimizer_eps", "popart", "log_interval", "eval_episodes", "distral", "distillation",
    ]
    static let networkKeys: Set<String> = ["encoder", "torso", "head", "activation", "conv"]
    static let popArtKeys: Set<String> = ["enabled", "beta", "sigma_min", "sigma_max"]

    /// Loads a preset by catalogue name (`agents/NAME.yaml`) or path.
    public static func load(_ nameOrPath: String, catalogue: Catalogue) throws(ChorusError) -> AgentConfiguration {
        let url = try catalogue.resolve(nameOrPath, in: catalogue.agentsDirectory, ext: "yaml", kind: "agent preset", flag: "--agent")
        var configuration = try AgentConfiguration(ConfigurationNode.load(contentsOf: url))
        if configuration.name == "custom" { configuration.name = url.deletingPathExtension().lastPathComponent }
        return configuration
    }

    /// Parses a preset from YAML text (`file` names it in errors).
    public static func parse(_ text: String, file: String) throws(ChorusError) -> AgentConfiguration {
        try AgentConfiguration(ConfigurationNode.parse(text, file: file))
    }

    init(_ root: ConfigurationNode) throws(ChorusError) {
        let f = try root.mapping(allowedKeys: Self.keys)
        func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ current: T) throws(ChorusError) -> T where T.RawValue == String {
            try f[key]?.choice() ?? current
        }
        if let n = f["name"] { name = try n.string() }
        algorithm = try choice("algorithm", algorithm)
        architecture = try choice("architecture", architecture)
        estimator = try choice("estimator", estimator)
        actorLearner = try choice("actor_learner", actorLearner)
        if let n = f["lag_correction"] { lagCorrection = try n.bool() }
        if let n = f["actor_lag"] { actorLag = try n.int(in: 1...64) }
        optimizer = try choice("optimizer", optimizer)
        learningRateSchedule = try choice("lr_schedule", learningRateSchedule)
        clipSchedule = try choice("clip_schedule", clipSchedule)
        entropySchedule = try choice("entropy_schedule", entropySchedule)
        if let network = f["network"] {
            let n = try network.mapping(allowedKeys: Self.networkKeys)
            func sizes(_ key: String, _ current: [Int], allowEmpty: Bool) throws(ChorusError) -> [Int] {
                guard let node = n[key] else { return current }
                var result: [Int] = []
                for item in try node.sequence() { result.append(try item.int(in: 1...4096)) }
                if result.isEmpty && !allowEmpty { throw node.error("needs at least one layer size") }
                return result
            }
            encoderSizes = try sizes("encoder", encoderSizes, allowEmpty: false)
            torsoSizes = try sizes("torso", torsoSizes, allowEmpty: false)
            headSizes = try sizes("head", headSizes, allowEmpty: true)
            if let a = n["activation"] {
                activation = try a.string()
                guard ["tanh", "relu"].contains(activation) else { throw a.error("unknown activation '\(activation)' (expected tanh or relu)") }
            }
            if let node = n["conv"] { convolution = try ConvolutionConfiguration(node) }
        }
        if let n = f["envs_per_task"] { environmentsPerTask = try n.int(in: 1...4096) }
        if let n = f["rollout_steps"] { rolloutSteps = try n.int(in: 1...100_000) }
        if let n = f["total_steps"] { totalSteps = try n.int(in: 1...10_000_000_000) }
        if let n = f["gamma"] { gamma = try n.double(in: 0...1) }
        if let n = f["gae_lambda"] { gaeLambda = try n.double(in: 0...1) }
        if let n = f["vtrace_rho_bar"] { rhoBar = try n.double(in: 0...1e9) }
        if let n = f["vtrace_c_bar"] { cBar = try n.double(in: 0...1e9) }
        if let n = f["epochs"] { epochs = try n.int(in: 1...1000) }
        if let n = f["minibatches"] { minibatches = try n.int(in: 1...100_000) }
        if let n = f["clip_range"] { clipRange = try n.double(in: 0...10) }
        if let n = f["value_clip_range"] { valueClipRange = try n.double(in: 0...1e9) }
        if let n = f["normalize_advantages"] { normalizeAdvantages = try n.bool() }
        if let n = f["normalize_observations"] { normalizeObservations = try n.bool() }
        gradientSurgery = try choice("gradient_surgery", gradientSurgery)
        if let n = f["observation_clip"] { observationClip = try n.double(in: 0.1...1e6) }
        if let node = f["frozen"] {
            frozen = []
            for item in try node.sequence() {
                let prefix = try item.string()
                guard !prefix.isEmpty else { throw item.error("an empty prefix would freeze every parameter") }
                frozen.append(prefix)
            }
        }
        if let n = f["gradnorm_rate"] { gradNormRate = try n.double(in: 0...10) }
        if let n = f["reward_clip"] { rewardClip = try n.double(in: 0...1e9) }
        if let n = f["entropy_coef"] { entropyCoefficient = try n.double(in: 0...10) }
        if let n = f["value_coef"] { valueCoefficient = try n.double(in: 0...100) }
        if let n = f["max_grad_norm"] { maxGradientNorm = try n.double(in: 0...1e9) }
        if let n = f["learning_rate"] { learningRate = try n.double(in: 1e-9...1) }
        if let n = f["optimizer_eps"] { optimizerEpsilon = try n.double(in: 0...1) }
        if let n = f["log_interval"] { logInterval = try n.int(in: 1...1_000_000_000) }
        if let n = f["eval_episodes"] { evaluationEpisodes = try n.int(in: 1...100_000) }
        if let node = f["popart"] {
            let p = try node.mapping(allowedKeys: Self.popArtKeys)
            popArt = try p["enabled"]?.bool() ?? true
            if let n = p["beta"] { popArtBeta = try n.double(in: 1e-9...1) }
            if let n = p["sigma_min"] { popArtSigmaMin = try n.double(in: 1e-12...1e12) }
            if let n = p["sigma_max"] { popArtSigmaMax = try n.double(in: 1e-12...1e12) }
            if popArtSigmaMin > popArtSigmaMax { throw node.error("sigma_min is larger than sigma_max") }
        }
        if let node = f["distral"] { distral = try DistralConfiguration(node) }
        if let node = f["distillation"] {
            distillation = try DistillationConfiguration(node)
            if distral != nil { throw node.error("a preset has either a distral: or a distillation: section, not both") }
        }
        if algorithm == .ppo, let m = f["minibatches"], minibatches > environmentsPerTask * rolloutSteps {
            throw m.error("\(minibatches) minibatches is more than the \(environmentsPerTask * rolloutSteps) samples per task in a rollout")
        }
    }

    /// The most parameters a network may have (weights, Adam's two moments and gradients: 16 bytes each).
    public static let maximumParameters = 50_000_000
    /// The most observation values one rollout may hold (`envs_per_task × rollout_steps × observation size`, over tasks).
    public static let maximumRolloutValues = 100_000_000
    /// The most layers in each of `network.encoder`, `torso` and `head`.
    public static let maximumLayers = 16
    /// The most values one minibatch's im2col matrices may hold (`samples × OH·OW × KH·KW·C`, over image tasks).
    public static let maximumConvolutionValues = 100_000_000

    /// Throws, naming the key, when this preset would allocate more than the bounds above for `tasks`, or
    /// when `network.conv` does not fit an image observation space.
    public func checkResources(for tasks: [Task], file: String) throws(ChorusError) {
        try checkResources(for: tasks.map(TaskSignature.init), samplingWeights: tasks.map(\.spec.samplingWeight), file: file)
    }

    /// `checkResources(for:file:)` on tasks' signatures, with each task's sampling weight (1 when not given).
    public func checkResources(for tasks: [TaskSignature], samplingWeights: [Int]? = nil, file: String) throws(ChorusError) {
        for (key, sizes) in [("network.encoder", encoderSizes), ("network.torso", torsoSizes), ("network.head", headSizes)]
        where sizes.count > Self.maximumLayers {
            throw ChorusError(file: file, problem: "\(key): \(sizes.count) layers; at most \(Self.maximumLayers)")
        }
        func layers(_ sizes: [Int], from input: Int) -> Double {
            var total = 0.0, width = Double(input)
            for size in sizes { total += (width + 1) * Double(size); width = Double(size) }
            return total
        }
        let columns = distral == nil ? 1.0 : 2.0
        // Samples per forward pass of the update: a minibatch of a task's rollout (A2C: the whole rollout), times its sampling weight.
        let samples = Double(environmentsPerTask * rolloutSteps) / Double(algorithm == .ppo ? minibatches : 1)
        var parameters = 0.0, rolloutValues = 0.0, convolutionValues = 0.0
        for (i, task) in tasks.enumerated() {
            let observation = task.observationSpace.size, weight = Double(samplingWeights?[i] ?? 1)
            var encoder = layers(encoderSizes, from: observation)
            if let conv = convolution, ConvolutionConfiguration.readsImages(of: task.observationSpace) {
                let shape = task.observationSpace.shape
                guard let output = conv.outputSize(height: shape[0], width: shape[1]) else {
                    throw ChorusError(
                        file: file,
                        problem:
                            "network.conv: a \(conv.kernel)×\(conv.kernel) kernel does not fit task '\(task.name)', whose observations are \(shape[0])×\(shape[1]) (use a smaller kernel or padding: same)"
                    )
                }
                let patch = Double(conv.kernel * conv.kernel * shape[2]), pixels = Double(output.height * output.width)
                encoder = Double(conv.filters) * (patch + 1) + layers(encoderSizes, from: Int(pixels) * conv.filters)
                convolutionValues += columns * samples * weight * pixels * patch
            }
            let torso = layers(torsoSizes, from: encoderSizes.last ?? observation)
            let heads = 2 * layers(headSizes + [max(task.actionSpace.flatSize, 1)], from: torsoSizes.last ?? 1)
            parameters += columns * (encoder + heads + (architecture == .singleTask ? torso : 0))
            rolloutValues += weight * Double(environmentsPerTask) * Double(rolloutSteps + 1) * Double(observation)
        }
        parameters += columns * (architecture == .singleTask ? 0 : layers(torsoSizes, from: encoderSizes.last ?? 1))
        if parameters > Double(Self.maximumParameters) {
            throw ChorusError(file: file, problem: "network: about \(Int(parameters)) parameters for these tasks; at most \(Self.maximumParameters)")
        }
        if convolutionValues > Double(Self.maximumConvolutionValues) {
            throw ChorusError(
                file: file,
                problem:
                    "network.conv: \(Int(convolutionValues)) im2col values per minibatch (samples × output pixels × kernel size); at most \(Self.maximumConvolutionValues)"
            )
        }
        if rolloutValues > Double(Self.maximumRolloutValues) {
            throw ChorusError(
                file: file,
                problem:
                    "envs_per_task × rollout_steps × observation size: \(Int(rolloutValues)) values per rollout; at most \(Self.maximumRolloutValues)"
            )
        }
    }

    /// The resolved configuration as YAML (what a run directory keeps).
    public var yaml: String {
        func list(_ v: [Int]) -> String { "[" + v.map(String.init).joined(separator: ", ") + "]" }
        return """
            name: \(TaskSpec.isValidName(name) ? name : ConfigurationNode.quoted(name))
            algorithm: \(algorithm.rawValue)
            architecture: \(architecture.rawValue)
            network:
              encoder: \(list(encoderSizes))
              torso: \(list(torsoSizes))
              head: \(list(headSizes))
              activation: \(activation)\(convolution.map { "\n  conv: \($0.yaml)" } ?? "")
            envs_per_task: \(environmentsPerTask)
            rollout_steps: \(rolloutSteps)
            total_steps: \(totalSteps)
            gamma: \(gamma)
            estimator: \(estimator.rawValue)
            actor_learner: \(actorLearner.rawValue)
            actor_lag: \(actorLag)
            lag_correction: \(lagCorrection)
            gae_lambda: \(gaeLambda)
            vtrace_rho_bar: \(rhoBar)
            vtrace_c_bar: \(cBar)
            epochs: \(epochs)
            minibatches: \(minibatches)
            clip_range: \(clipRange)
            clip_schedule: \(clipSchedule.rawValue)
            value_clip_range: \(valueClipRange)
            normalize_advantages: \(normalizeAdvantages)
            normalize_observations: \(normalizeObservations)
            observation_clip: \(observationClip)
            gradient_surgery: \(gradientSurgery.rawValue)
            gradnorm_rate: \(gradNormRate)
            reward_clip: \(rewardClip)
            frozen: [\(frozen.map { ConfigurationNode.quoted($0) }.joined(separator: ", "))]
            entropy_coef: \(entropyCoefficient)
            entropy_schedule: \(entropySchedule.rawValue)
            value_coef: \(valueCoefficient)
            max_grad_norm: \(maxGradientNorm)
            optimizer: \(optimizer.rawValue)
            learning_rate: \(learningRate)
            lr_schedule: \(learningRateSchedule.rawValue)
            optimizer_eps: \(optimizerEpsilon)
            popart:
              enabled: \(popArt)
              beta: \(popArtBeta)
              sigma_min: \(popArtSigmaMin)
              sigma_max: \(popArtSigmaMax)
            log_interval: \(logInterval)
            eval_episodes: \(evaluationEpisodes)

            """ + (distral.map { $0.yaml + "\n" } ?? "") + (distillation.map { $0.yaml + "\n" } ?? "")
    }
}
