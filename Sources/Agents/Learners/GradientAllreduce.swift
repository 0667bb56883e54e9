import Communication
import Foundation
import NeuralNetworks

/// Data-parallel gradient reduction: every parameter's gradient replaced by its mean over the ranks.
///
/// The gradients travel as one flat buffer (one allreduce per optimisation step). Each rank's gradient
/// is of losses that are means over its own samples of each task, and every rank has as many samples,
/// so the mean over ranks is the gradient of the mean over all samples: the same as one process with
/// every rank's environments, up to the order of summation.
public final class GradientAllreduce {
    public let communicator: any Communicator
    /// How many reductions were made, and the seconds they took (packing included).
    public private(set) var reductions = 0
    public private(set) var seconds = 0.0
    private var buffer: [Float] = []

    public init(communicator: any Communicator) {
        self.communicator = communicator
    }

    /// Replaces every gradient of `parameters` by its mean over the ranks.
    public func reduce(_ parameters: [Parameter]) {
        guard communicator.size > 1 else { return }
        let start = DispatchTime.now().uptimeNanoseconds
        let count = parameters.reduce(0) { $0 + $1.gradient.count }
        if buffer.count != count { buffer = Array(repeating: 0, count: count) }
        var offset = 0
        for parameter in parameters {
            let n = parameter.gradient.count
            buffer.replaceSubrange(offset..<(offset + n), with: parameter.gradient.storage)
            offset += n
        }
        communicator.allreduceSum(&buffer)
        let scale = Float(communicator.size)
        offset = 0
        for parameter in parameters {
            let n = parameter.gradient.count
            parameter.gradient.storage.withUnsafeMutableBufferPointer { gradient in
                for k in 0..<n { gradient[k] = buffer[offset + k] / scale }
            }
            offset += n
        }
        record(seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// Counts a reduction made elsewhere (gradient surgery reduces per-task gradients itself) and its time.
    public func record(seconds elapsed: Double) {
        reductions += 1
        seconds += elapsed
    }
}
