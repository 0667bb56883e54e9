import NeuralNetworks
import Randomness

/// One task's memory of recent teacher-labelled states: observations with the teacher's policy outputs,
/// normalised values and last hidden layer, in a ring that overwrites the oldest rows.
public struct DistillationReplay {
    public let capacity: Int
    public private(set) var count = 0
    private var next = 0
    private var observations: Tensor
    private var outputs: Tensor
    private var values: Tensor
    private var features: Tensor

    public init(capacity: Int, observationSize: Int, outputSize: Int, featureSize: Int) {
        self.capacity = capacity
        observations = Tensor(rows: capacity, columns: observationSize)
        outputs = Tensor(rows: capacity, columns: outputSize)
        values = Tensor(rows: capacity, columns: 1)
        features = Tensor(rows: featureSize > 0 ? capacity : 0, columns: featureSize)
    }

    /// Stores a batch of rows (the newest overwrite the oldest). `features` may be nil when not kept.
    public mutating func append(observations o: Tensor, outputs y: Tensor, values v: Tensor, features h: Tensor?) {
        for r in 0..<o.rows {
            observations.copyRows(r..<(r + 1), of: o, to: next)
            outputs.copyRows(r..<(r + 1), of: y, to: next)
            values.copyRows(r..<(r + 1), of: v, to: next)
            if let h, features.rows > 0 { features.copyRows(r..<(r + 1), of: h, to: next) }
            next = (next + 1) % capacity
            count = min(count + 1, capacity)
        }
    }

    /// `size` row indices drawn uniformly, with replacement, from the stored rows.
    public func sample(_ size: Int, using rng: inout RandomGenerator) -> [Int] {
        precondition(count > 0, "sampling an empty replay")
        return (0..<size).map { _ in rng.integer(below: count) }
    }

    /// Copies the given rows into the minibatch tensors.
    public func gather(_ rows: [Int], observations o: inout Tensor, outputs y: inout Tensor, values v: inout Tensor, features h: inout Tensor) {
        o.reshape(rows: rows.count, columns: observations.columns)
        y.reshape(rows: rows.count, columns: outputs.columns)
        v.reshape(rows: rows.count, columns: 1)
        h.reshape(rows: features.rows > 0 ? rows.count : 0, columns: features.columns)
        for (k, j) in rows.enumerated() {
            o.copyRows(j..<(j + 1), of: observations, to: k)
            y.copyRows(j..<(j + 1), of: outputs, to: k)
            v.copyRows(j..<(j + 1), of: values, to: k)
            if features.rows > 0 { h.copyRows(j..<(j + 1), of: features, to: k) }
        }
    }
}
