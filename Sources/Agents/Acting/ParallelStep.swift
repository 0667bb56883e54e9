import Dispatch
import Environments

/// Steps every task's batch of environments with its actions, on up to `threads` threads.
///
/// Each task's batch is touched by one thread only and actions are read-only, so the results do not
/// depend on the thread count.
struct ParallelStep: @unchecked Sendable {
    let batches: [any VectorEnvironment]
    let actions: [[Float]]

    static func step(_ batches: [any VectorEnvironment], actions: [[Float]], threads: Int) {
        if threads == 1 || batches.count == 1 {
            for i in batches.indices { actions[i].withUnsafeBufferPointer { batches[i].step(actions: $0) } }
            return
        }
        let work = ParallelStep(batches: batches, actions: actions)
        DispatchQueue.concurrentPerform(iterations: batches.count) { i in work.run(i) }
    }

    private func run(_ i: Int) { actions[i].withUnsafeBufferPointer { batches[i].step(actions: $0) } }
}
