import Environments

/// What a policy's network is built from for one task: its name, environment id and spaces.
public struct TaskSignature: Equatable, Sendable {
    /// Names the task's heads (`policy.<name>`, `value.<name>`).
    public var name: String
    /// The environment id, which names the encoder of the task's observation space.
    public var environment: String
    public var observationSpace: Box
    public var actionSpace: Space

    public init(name: String, environment: String, observationSpace: Box, actionSpace: Space) {
        self.name = name
        self.environment = environment
        self.observationSpace = observationSpace
        self.actionSpace = actionSpace
    }

    /// A suite task's signature.
    public init(_ task: Task) {
        self.init(name: task.name, environment: task.spec.env, observationSpace: task.observationSpace, actionSpace: task.actionSpace)
    }
}
