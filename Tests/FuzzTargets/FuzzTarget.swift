import Agents
import Environments
import Foundation
import NeuralNetworks

/// The kinds of user-supplied file Chorus reads, each fuzzed through the entry point that parses it.
///
/// Every input must make `run` return: a thrown `ChorusError` or `CheckpointError` is the correct
/// answer to a bad file and counts as `.rejected`; only a crash, a trap or a hang is a finding.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Gridworld map text (`GridMap.parse`).
    case map
    /// Suite YAML resolved against the repository's catalogue (`TaskSuite.parse`).
    case suite
    /// Agent preset YAML (`AgentConfiguration.parse`).
    case preset
    /// Raw safetensors bytes (`Safetensors.decode`).
    case safetensors
    /// Checkpoint bytes decoded and restored into a fixed small trainer, which then trains one iteration.
    case checkpoint

    /// Feeds `bytes` to this target's parser and reports whether it accepted them.
    @discardableResult
    public func run(_ bytes: [UInt8]) -> FuzzOutcome {
        switch self {
        case .map:
            do { _ = try GridMap.parse(Self.text(bytes), name: "fuzz", file: "<fuzz>") } catch { return .rejected(error.description) }
            return .accepted
        case .suite:
            return SuiteHarness.run(Self.text(bytes))
        case .preset:
            do { _ = try AgentConfiguration.parse(Self.text(bytes), file: "<fuzz>") } catch { return .rejected(error.description) }
            return .accepted
        case .safetensors:
            do { _ = try Safetensors.decode(bytes) } catch { return .rejected(error.description) }
            return .accepted
        case .checkpoint:
            return CheckpointHarness.shared.run(bytes)
        }
    }

    /// Feeds the bytes of a buffer (as libFuzzer hands them over) to this target.
    @discardableResult
    public func run(_ buffer: UnsafeRawBufferPointer) -> FuzzOutcome {
        run([UInt8](buffer))
    }

    /// Bytes as text, invalid UTF-8 repaired the way Chorus reads files.
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
