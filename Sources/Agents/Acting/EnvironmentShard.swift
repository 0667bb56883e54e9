/// One rank's share of every task's environments in a data-parallel run.
///
/// With `ranks` processes of `n` environments per task each, rank r steps environments `[r·n, (r+1)·n)`
/// of the single-process run with `ranks·n` environments: its batches are seeded on streams
/// `task·2³² + r·n …`, and it draws its actions at the positions of its environments in the
/// single-process run's action stream (skipping the draws of the other ranks' environments), so every
/// rank's generator stays in step with the others' and the ranks together act as that one process.
public struct EnvironmentShard: Equatable, Sendable {
    public let rank: Int
    public let ranks: Int

    /// The whole of a single-process run.
    public static let whole = EnvironmentShard(rank: 0, ranks: 1)

    public init(rank: Int, ranks: Int) {
        precondition(ranks > 0 && (0..<ranks).contains(rank))
        self.rank = rank
        self.ranks = ranks
    }

    /// The index of this shard's first environment in the single-process run, with `n` environments per rank.
    public func firstEnvironment(environmentsPerRank n: Int) -> Int { rank * n }
}
