/// One task of a suite as written in YAML: an environment id with its parameters, a reward scale and the solved return.
public struct TaskSpec: Equatable, Sendable {
    /// Unique within the suite; names the task's heads in checkpoints.
    public var name: String
    /// A registered environment id (`chorus list envs`).
    public var env: String
    /// Gridworld only: a map name from the catalogue or a path to a map file.
    public var map: String?
    /// Gridworld only: `(column, row)` of the goal, replacing the map's goals.
    public var goal: GridPosition?
    /// Gridworld only: the start cell or cells (or the start room), replacing the map's start.
    public var start: GridStart?
    /// The time limit; defaults to the environment's own.
    public var maxSteps: Int?
    /// Rewards are multiplied by this before learning (returns in reports are unscaled).
    public var rewardScale: Double
    /// The mean return (unscaled) at which the task counts as solved.
    public var solvedReturn: Double
    /// Training steps `sampling_weight × envs_per_task` environments of this task instead of `envs_per_task`,
    /// so a hard task gets that many times the experience of the others (its loss still counts once).
    public var samplingWeight: Int = 1
    /// The environment family's own keys besides a gridworld's `map`, `goal` and `start`, as written (scalars).
    public var settings: [String: String] = [:]

    public init(
        name: String, env: String, map: String? = nil, goal: GridPosition? = nil, start: GridStart? = nil,
        maxSteps: Int? = nil, rewardScale: Double = 1, solvedReturn: Double
    ) {
        self.name = name
        self.env = env
        self.map = map
        self.goal = goal
        self.start = start
        self.maxSteps = maxSteps
        self.rewardScale = rewardScale
        self.solvedReturn = solvedReturn
    }

    /// Task names are 1–64 characters from `[A-Za-z0-9._-]`: they name files, checkpoint keys, CSV cells and `--task` entries.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x2D
            }
    }

    /// The keys every task may have; each environment family adds its own (`EnvironmentFamily.taskKeys`).
    static let commonKeys: Set<String> = ["name", "env", "max_steps", "reward_scale", "solved_return", "sampling_weight"]

    /// Reads a task from its YAML mapping, with the family that builds its environment and its fields.
    static func read(_ node: ConfigurationNode) throws(ChorusError) -> (
        spec: TaskSpec, family: EnvironmentFamily, fields: [String: ConfigurationNode]
    ) {
        let familyKeys = EnvironmentRegistry.families.reduce(into: Set<String>()) { $0.formUnion($1.taskKeys) }
        let fields = try node.mapping(allowedKeys: commonKeys.union(familyKeys))
        guard let nameNode = fields["name"] else { throw node.error("missing key 'name'") }
        guard let envNode = fields["env"] else { throw node.error("missing key 'env'") }
        guard let solved = fields["solved_return"] else { throw node.error("missing key 'solved_return'") }
        let name = try nameNode.string()
        guard isValidName(name) else {
            throw nameNode.error("task name '\(name)' must be 1–64 characters from A–Z, a–z, 0–9, '.', '_' and '-'")
        }
        let env = try envNode.string()
        guard let family = EnvironmentRegistry.family(of: env) else {
            throw node.error("unknown environment id '\(env)' (known: \(EnvironmentRegistry.knownIDs))")
        }
        for key in fields.keys.sorted() where !commonKeys.contains(key) && !family.taskKeys.contains(key) {
            let takers = EnvironmentRegistry.families.filter { $0.taskKeys.contains(key) }.flatMap { $0.members.map(\.id) }
            throw fields[key]!.error("only \(takers.joined(separator: ", ")) tasks take '\(key)'")
        }
        var spec = TaskSpec(
            name: name, env: env, map: try fields["map"]?.string(),
            goal: try fields["goal"].map { node throws(ChorusError) in GridPosition(try node.intPair()) },
            start: try fields["start"].map { node throws(ChorusError) in try GridStart(node) },
            maxSteps: try fields["max_steps"]?.int(in: 1...100_000_000), rewardScale: try fields["reward_scale"]?.double() ?? 1,
            solvedReturn: try solved.double())
        if spec.rewardScale <= 0 { throw fields["reward_scale"]!.error("must be positive") }
        if let weight = fields["sampling_weight"] { spec.samplingWeight = try weight.int(in: 1...64) }
        for key in family.taskKeys.subtracting(["map", "goal", "start"]) {
            if let value = fields[key] { spec.settings[key] = try value.string() }
        }
        return (spec, family, fields)
    }
}

/// A gridworld cell position, `(column, row)` from the top-left corner.
public struct GridPosition: Equatable, Sendable {
    public var column: Int
    public var row: Int
    public init(column: Int, row: Int) { self.column = column; self.row = row }
    init(_ pair: (Int, Int)) { self.init(column: pair.0, row: pair.1) }
}
