/// A learnable tensor with its accumulated gradient, addressable by a dotted name (`torso.0.weight`).
public final class Parameter {
    public let name: String
    public var value: Tensor
    public var gradient: Tensor
    /// Frozen parameters keep their values: optimizers skip them.
    public var isFrozen = false

    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        self.gradient = Tensor(rows: value.rows, columns: value.columns)
    }

    /// Sets the gradient to zero.
    public func zeroGradient() { gradient.fill(0) }
}

/// Something that owns parameters.
public protocol ParameterContainer: AnyObject {
    /// Every parameter, in a fixed order.
    var parameters: [Parameter] { get }
}

extension ParameterContainer {
    public func zeroGradients() { for p in parameters { p.zeroGradient() } }

    /// The parameter named `name`, if any.
    public func parameter(named name: String) -> Parameter? { parameters.first { $0.name == name } }

    /// The number of learnable numbers.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
}
