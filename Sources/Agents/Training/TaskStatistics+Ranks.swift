import Communication

/// Combining the ranks' statistics of a data-parallel run.
extension TaskStatistics {
    /// Every rank's statistics combined, on every rank (collective): finished episodes and importance-weight
    /// counts are summed; losses and diagnostics, which each rank averaged over its own samples and
    /// rollouts, become the mean over the ranks (updates and rollouts counted once).
    public static func combined(_ statistics: [TaskStatistics], over communicator: any Communicator) -> [TaskStatistics] {
        guard communicator.size > 1 else { return statistics }
        var flat = statistics.flatMap(\.encoded)
        communicator.allreduceSum(&flat)
        let width = encodedCount, averaged: Set<Int> = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
        let ranks = Double(communicator.size)
        return statistics.indices.map { i in
            var values = Array(flat[(i * width)..<((i + 1) * width)])
            for k in averaged { values[k] /= ranks }
            values[7] = values[7].rounded()
            values[13] = values[13].rounded()
            return TaskStatistics(encoded: values) ?? statistics[i]
        }
    }
}
