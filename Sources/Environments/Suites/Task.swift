/// A task of a loaded suite: its specification and the environment it runs.
public struct Task: Sendable {
    public var spec: TaskSpec
    public var prototype: EnvironmentPrototype

    public var name: String { spec.name }
    public var observationSpace: Box { prototype.environment.observationSpace }
    public var actionSpace: Space { prototype.environment.actionSpace }
    public var maxEpisodeSteps: Int { prototype.environment.maxEpisodeSteps }
}
