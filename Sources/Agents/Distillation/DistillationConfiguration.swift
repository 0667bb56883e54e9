import Environments

/// Policy distillation's settings (Rusu et al. 2015; Parisotto et al. 2015): the loss, the teacher's
/// temperature, who acts, the replay of teacher-labelled states, and the optional Actor-Mimic feature term.
public struct DistillationConfiguration: Equatable, Sendable {
    /// Who chooses the actions while collecting states.
    public enum Driver: String, Sendable, CaseIterable {
        /// The student samples its own actions: the states it will visit (Actor-Mimic's choice; the default).
        case student
        /// The teacher samples: the teacher's state distribution (policy distillation's choice).
        case teacher
    }

    public var loss = DistillationLoss.kl
    /// τ divides the teacher's logits (categorical) or multiplies its standard deviation (Gaussian);
    /// 1 distils the teacher's policy as it is, τ → 0 its greedy action.
    public var temperature = 1.0
    public var driver = Driver.student
    /// Teacher-labelled states kept per task; the oldest are overwritten.
    public var replayCapacity = 50_000
    /// Rows per minibatch; each minibatch comes from one task, drawn uniformly.
    public var batchSize = 256
    /// Minibatch updates per collected rollout, per task.
    public var updatesPerTask = 2
    /// β of Actor-Mimic's feature regression `β·‖W_i·h_student + b_i − h_teacher‖²`; 0 turns it off.
    public var featureCoefficient = 0.0

    public init() {}

    static let keys: Set<String> = ["loss", "temperature", "driver", "replay_capacity", "batch_size", "updates_per_task", "feature_coef"]

    init(_ node: ConfigurationNode) throws(ChorusError) {
        let f = try node.mapping(allowedKeys: Self.keys)
        if let n = f["loss"] { loss = try n.choice() }
        if let n = f["driver"] { driver = try n.choice() }
        if let n = f["temperature"] {
            temperature = try n.double(in: 0...1e6)
            if temperature < 1e-6 { throw n.error("temperature must be positive (use loss: nll for the greedy action)") }
        }
        if let n = f["replay_capacity"] { replayCapacity = try n.int(in: 1...100_000_000) }
        if let n = f["batch_size"] { batchSize = try n.int(in: 1...1_000_000) }
        if let n = f["updates_per_task"] { updatesPerTask = try n.int(in: 0...10_000) }
        if let n = f["feature_coef"] { featureCoefficient = try n.double(in: 0...1e6) }
    }

    var yaml: String {
        """
        distillation:
          loss: \(loss.rawValue)
          temperature: \(temperature)
          driver: \(driver.rawValue)
          replay_capacity: \(replayCapacity)
          batch_size: \(batchSize)
          updates_per_task: \(updatesPerTask)
          feature_coef: \(featureCoefficient)
        """
    }
}
