/// The environment families Chorus knows: one line each.
public enum EnvironmentRegistry {
    public static let families: [EnvironmentFamily] = [
        .classicControl,
        .gridworld,
        .minAtar,
    ]

    /// Every registered id with its description, in registration order.
    public static var members: [EnvironmentFamily.Member] { families.flatMap(\.members) }

    /// The family that registers `id`.
    public static func family(of id: String) -> EnvironmentFamily? {
        families.first { family in family.members.contains { $0.id == id } }
    }

    /// The registered ids, for error messages.
    public static var knownIDs: String { members.map(\.id).joined(separator: ", ") }
}
