/// A family of environments: the ids it registers and how it builds one for a suite's task.
///
/// A new family is a folder with its environments and one `EnvironmentFamily`, listed once in
/// `EnvironmentRegistry.families`.
public struct EnvironmentFamily: Sendable {
    /// One registered environment id.
    public struct Member: Sendable {
        public var id: String
        /// One line for `chorus list envs`: what the task is, its spaces and time limit, the reference it matches.
        public var description: String
        /// The environment with its default settings (for `chorus bench`).
        public var standard: @Sendable () -> EnvironmentPrototype

        public init(id: String, description: String, standard: @escaping @Sendable () -> EnvironmentPrototype) {
            self.id = id
            self.description = description
            self.standard = standard
        }
    }

    /// What a family is given to build one task's environment.
    public struct Request {
        /// The task as written, with its environment id.
        public var spec: TaskSpec
        /// The task's YAML mapping (for reading the family's own keys, with errors at their lines).
        public var fields: [String: ConfigurationNode]
        /// The task's YAML node (for errors about the task as a whole).
        public var node: ConfigurationNode
        /// Loads a map named by the task (a catalogue name or a path), once per suite.
        public var loadMap: (_ reference: String) throws(ChorusError) -> GridMap
    }

    public var members: [Member]
    /// The task keys this family reads besides the common ones (`name`, `env`, `max_steps`, `reward_scale`, `solved_return`, `sampling_weight`).
    public var taskKeys: Set<String>
    /// Builds the environment of a task whose `env` is one of `members`.
    public var make: @Sendable (_ request: Request) throws(ChorusError) -> EnvironmentPrototype

    public init(
        members: [Member], taskKeys: Set<String> = [],
        make: @escaping @Sendable (_ request: Request) throws(ChorusError) -> EnvironmentPrototype
    ) {
        self.members = members
        self.taskKeys = taskKeys
        self.make = make
    }
}
