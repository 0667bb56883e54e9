import Foundation

/// A network's parameters, its optimizer's state and metadata, in one safetensors file.
///
/// Parameters are stored under their own names (`torso.0.weight`, …) so the file reads naturally in
/// Python; optimizer state goes under `optimizer.`, and anything else a trainer needs to resume
/// (random-generator words, PopArt statistics) under `state.`. Metadata always carries
/// `format = chorus-checkpoint` and `format_version`.
public struct Checkpoint: Equatable, Sendable {
    public static let format = "chorus-checkpoint"
    public static let formatVersion = "1"
    public static let optimizerPrefix = "optimizer."
    public static let statePrefix = "state."

    public var contents: Safetensors

    /// A checkpoint of `parameters`, optionally with `optimizer` state, and `metadata`.
    public init(parameters: [Parameter], optimizer: (any Optimizer)? = nil, metadata: [String: String] = [:]) {
        contents = Safetensors()
        for p in parameters { contents.set(p.name, p.value) }
        if let optimizer {
            for (name, tensor) in optimizer.stateTensors() { contents.set(Self.optimizerPrefix + name, tensor) }
        }
        contents.metadata = metadata
        contents.metadata["format"] = Self.format
        contents.metadata["format_version"] = Self.formatVersion
    }

    init(contents: Safetensors) {
        self.contents = contents
    }

    public var metadata: [String: String] {
        get { contents.metadata }
        set { contents.metadata = newValue }
    }

    /// Writes atomically (temporary file, then rename).
    public func write(to url: URL) throws(CheckpointError) {
        try contents.write(to: url)
    }

    /// Reads a checkpoint, checking the file's structure and that Chorus wrote it.
    public static func read(from url: URL) throws(CheckpointError) -> Checkpoint {
        do { return try checked(Safetensors.read(from: url)) } catch { throw error.inFile(url.path) }
    }

    /// Decodes a checkpoint from a file's bytes, checking the structure and that Chorus wrote it.
    public static func decode(_ bytes: [UInt8]) throws(CheckpointError) -> Checkpoint {
        try checked(Safetensors.decode(bytes))
    }

    private static func checked(_ contents: Safetensors) throws(CheckpointError) -> Checkpoint {
        guard contents.metadata["format"] == format else {
            throw CheckpointError(problem: "not a Chorus checkpoint (no '\(format)' metadata)")
        }
        guard contents.metadata["format_version"] == formatVersion else {
            throw CheckpointError(problem: "checkpoint format version \(contents.metadata["format_version"] ?? "?") is not \(formatVersion)")
        }
        return Checkpoint(contents: contents)
    }

    /// Copies the stored values into `parameters`; every parameter must be stored with its shape, and
    /// every stored parameter must exist in the network.
    public func restore(into parameters: [Parameter]) throws(CheckpointError) {
        var values: [Tensor] = []
        for p in parameters {
            guard let t = contents.tensor(p.name) else {
                throw CheckpointError(problem: "the checkpoint has no parameter '\(p.name)' (it does not fit this network)")
            }
            guard t.rows == p.value.rows, t.columns == p.value.columns else {
                throw CheckpointError(
                    problem: "parameter '\(p.name)' is \(t.rows)×\(t.columns) in the checkpoint but \(p.value.rows)×\(p.value.columns) in the network"
                )
            }
            if let bad = t.storage.first(where: { !$0.isFinite }) {
                throw CheckpointError(problem: "parameter '\(p.name)' holds \(bad): the checkpoint is corrupt or the run diverged")
            }
            values.append(t)
        }
        let known = Set(parameters.map(\.name))
        if let extra = contents.entries.keys.sorted().first(where: {
            !$0.hasPrefix(Self.optimizerPrefix) && !$0.hasPrefix(Self.statePrefix) && !known.contains($0)
        }) {
            throw CheckpointError(problem: "the checkpoint has parameter '\(extra)', which this network lacks")
        }
        for (p, v) in zip(parameters, values) { p.value = v }
    }

    /// A warm start: copies every stored tensor whose name and shape match one of `parameters` and leaves
    /// the others as they are (a new task's heads, say). Returns the names copied; throws on a non-finite value.
    @discardableResult
    public func warmStart(_ parameters: [Parameter]) throws(CheckpointError) -> [String] {
        var copied: [String] = []
        for p in parameters {
            guard let t = contents.tensor(p.name), t.rows == p.value.rows, t.columns == p.value.columns else { continue }
            if let bad = t.storage.first(where: { !$0.isFinite }) {
                throw CheckpointError(problem: "parameter '\(p.name)' holds \(bad): the checkpoint is corrupt or the run diverged")
            }
            p.value = t
            copied.append(p.name)
        }
        return copied
    }

    /// Restores the optimizer's state.
    public func restore(optimizer: any Optimizer) throws(CheckpointError) {
        try optimizer.loadState(contents.tensors(withPrefix: Self.optimizerPrefix))
    }
}
