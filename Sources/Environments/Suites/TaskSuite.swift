import Foundation

/// A named list of tasks learned together, read from YAML (`environments/NAME.yaml`).
///
/// ```yaml
/// description: one line shown by `chorus list suites`
/// tasks:
///   - {name: CartPole-v1, env: CartPole-v1, solved_return: 475}
///   - {name: maze-north, env: Gridworld, map: maze, goal: [5, 1], max_steps: 100, reward_scale: 1, solved_return: 0.8}
/// ```
public struct TaskSuite: Sendable {
    public var name: String
    public var description: String
    /// The file the suite was read from.
    public var file: String
    public var tasks: [Task]

    public init(name: String, description: String, file: String, tasks: [Task]) {
        self.name = name
        self.description = description
        self.file = file
        self.tasks = tasks
    }

    /// Reads and validates the suite at `url`; map names resolve through `catalogue`.
    public static func load(contentsOf url: URL, catalogue: Catalogue) throws(ChorusError) -> TaskSuite {
        try parse(ConfigurationNode.load(contentsOf: url), url: url, maps: catalogue.mapLoader(relativeTo: url))
    }

    /// Parses and validates suite YAML `text` as if read from `url` (which names it and anchors relative map paths).
    public static func parse(_ text: String, url: URL, catalogue: Catalogue) throws(ChorusError) -> TaskSuite {
        try parse(ConfigurationNode.parse(text, file: url.path), url: url, maps: catalogue.mapLoader(relativeTo: url))
    }

    /// Parses suite YAML `text` whose maps come from `maps` (a map reference and its node → the map).
    public static func parse(_ text: String, file: String, maps: @escaping MapLoader) throws(ChorusError) -> TaskSuite {
        try parse(ConfigurationNode.parse(text, file: file), url: URL(fileURLWithPath: file), maps: maps)
    }

    /// Finds the map a task names (`map:`), reporting problems at the task's node.
    public typealias MapLoader = (_ reference: String, _ node: ConfigurationNode) throws(ChorusError) -> GridMap

    /// The most tasks one suite may hold.
    public static let maximumTasks = 256

    private static func parse(_ root: ConfigurationNode, url: URL, maps loadMap: @escaping MapLoader) throws(ChorusError) -> TaskSuite {
        let fields = try root.mapping(allowedKeys: ["name", "description", "tasks"])
        guard let tasksNode = fields["tasks"] else { throw root.error("missing key 'tasks'") }
        let taskNodes = try tasksNode.sequence()
        guard !taskNodes.isEmpty else { throw tasksNode.error("a suite needs at least one task") }
        guard taskNodes.count <= maximumTasks else { throw tasksNode.error("\(taskNodes.count) tasks; a suite holds at most \(maximumTasks)") }
        var tasks: [Task] = []
        var mapCache: [String: GridMap] = [:]
        for node in taskNodes {
            let (spec, family, fields) = try TaskSpec.read(node)
            if tasks.contains(where: { $0.name == spec.name }) {
                throw node.error("duplicate task name '\(spec.name)'")
            }
            let request = EnvironmentFamily.Request(
                spec: spec, fields: fields, node: node,
                loadMap: { reference throws(ChorusError) in
                    if let cached = mapCache[reference] { return cached }
                    let map = try loadMap(reference, node)
                    mapCache[reference] = map
                    return map
                })
            tasks.append(Task(spec: spec, prototype: try family.make(request)))
        }
        let description = try fields["description"]?.string() ?? ""
        let name = try fields["name"]?.string() ?? url.deletingPathExtension().lastPathComponent
        return TaskSuite(name: name, description: description, file: url.path, tasks: tasks)
    }

    /// The suite narrowed to the named tasks (for `--task`), in the given order.
    public func selecting(_ names: [String]) throws(ChorusError) -> TaskSuite {
        guard !names.isEmpty else {
            throw ChorusError(file: "--task", problem: "names no task (tasks of suite '\(self.name)': \(tasks.map(\.name).joined(separator: ", ")))")
        }
        var selected: [Task] = []
        for name in names {
            guard !name.isEmpty else { throw ChorusError(file: "--task", problem: "has an empty task name; separate names with single commas") }
            guard !selected.contains(where: { $0.name == name }) else {
                throw ChorusError(file: "--task", problem: "names task '\(name)' twice")
            }
            guard let task = tasks.first(where: { $0.name == name }) else {
                throw ChorusError(
                    file: "--task", problem: "suite '\(self.name)' has no task '\(name)' (tasks: \(tasks.map(\.name).joined(separator: ", ")))")
            }
            selected.append(task)
        }
        var copy = self
        copy.tasks = selected
        return copy
    }
}
