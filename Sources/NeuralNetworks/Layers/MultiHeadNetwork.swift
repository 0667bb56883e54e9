/// Several input encoders feeding one shared torso, read by several output heads.
///
/// A forward pass takes one input batch per *route*; a route names its encoder and the heads that
/// read its rows. All routes' encoded rows are stacked and go through the torso in one pass; each
/// head then runs on its route's slice. The backward pass accumulates every head's gradient into the
/// torso's output gradient (each on its own rows), runs the torso once, and hands each route's rows
/// back to its encoder. Encoders may differ in kind (`MLP`s for flat inputs, `ConvolutionalEncoder`s for images).
public final class MultiHeadNetwork: ParameterContainer {
    /// Which encoder a batch goes through and which heads read it.
    public struct Route: Equatable, Sendable {
        public var encoder: String
        public var heads: [String]
        public init(encoder: String, heads: [String]) { self.encoder = encoder; self.heads = heads }
    }

    public let encoders: [String: any Encoder]
    public let torso: MLP
    public let heads: [String: MLP]
    public let routes: [Route]
    private let encoderOrder: [String]
    private let headOrder: [String]

    /// Route r's encoder with the workspace of its last pass.
    private let encoderPasses: [EncoderPass]
    private var torsoWorkspace = MLP.Workspace()
    private var headWorkspaces: [[MLP.Workspace]]
    private var torsoOutputGradient = Tensor(rows: 0, columns: 0)
    /// The first row of each route in the torso batch, and one past the last route.
    public private(set) var rowOffsets: [Int]

    /// A network from its parts; every route's encoder must output the torso's input size and every head
    /// must read the torso's output size.
    public init(encoders: [String: any Encoder], torso: MLP, heads: [String: MLP], routes: [Route]) {
        for route in routes {
            guard let encoder = encoders[route.encoder] else { preconditionFailure("route names unknown encoder \(route.encoder)") }
            precondition(encoder.outputSize == torso.inputSize, "encoder \(route.encoder) does not fit the torso")
            for head in route.heads {
                guard let h = heads[head] else { preconditionFailure("route names unknown head \(head)") }
                precondition(h.inputSize == torso.outputSize, "head \(head) does not fit the torso")
            }
        }
        self.encoders = encoders
        self.torso = torso
        self.heads = heads
        self.routes = routes
        self.encoderOrder = encoders.keys.sorted()
        self.headOrder = heads.keys.sorted()
        self.encoderPasses = routes.map { EncoderPass(encoders[$0.encoder]!) }
        self.headWorkspaces = routes.map { Array(repeating: MLP.Workspace(), count: $0.heads.count) }
        self.rowOffsets = Array(repeating: 0, count: routes.count + 1)
    }

    public var parameters: [Parameter] {
        encoderOrder.flatMap { encoders[$0]!.parameters } + torso.parameters + headOrder.flatMap { heads[$0]!.parameters }
    }

    /// Runs every route: `inputs[r]` is route r's batch. Read the results with `output(route:head:)`.
    public func forward(_ inputs: [Tensor]) {
        precondition(inputs.count == routes.count, "one input per route")
        var offset = 0
        for (r, input) in inputs.enumerated() {
            rowOffsets[r] = offset
            offset += input.rows
        }
        rowOffsets[routes.count] = offset
        torso.prepare(&torsoWorkspace)
        torsoWorkspace.values[0].reshape(rows: offset, columns: torso.inputSize)
        for r in routes.indices {
            torsoWorkspace.values[0].copyRows(0..<inputs[r].rows, of: encoderPasses[r].forward(inputs[r]), to: rowOffsets[r])
        }
        torso.forwardFromWorkspaceInput(&torsoWorkspace)
        for r in routes.indices {
            let rows = rowOffsets[r]..<rowOffsets[r + 1]
            for (h, name) in routes[r].heads.enumerated() {
                let head = heads[name]!
                head.prepare(&headWorkspaces[r][h])
                headWorkspaces[r][h].values[0].reshape(rows: rows.count, columns: torso.outputSize)
                headWorkspaces[r][h].values[0].copyRows(rows, of: torsoWorkspace.output)
                head.forwardFromWorkspaceInput(&headWorkspaces[r][h])
            }
        }
    }

    /// Runs the last layer of head number `head` of route `route` again on its input from the last forward
    /// pass (that layer's parameters changed since); every other output and activation stays as it was.
    public func rerunHeadOutputLayer(route: Int, head: Int) {
        heads[routes[route].heads[head]]!.rerunLastLayer(&headWorkspaces[route][head])
    }

    /// The output of head number `head` (in the route's list) for route `route`, from the last forward pass.
    public func output(route: Int, head: Int) -> Tensor { headWorkspaces[route][head].output }

    /// The torso's features for route `route`, from the last forward pass.
    public func features(route: Int) -> Tensor { torsoWorkspace.output.slice(rows: rowOffsets[route]..<rowOffsets[route + 1]) }

    /// Backpropagates through the last forward pass. `fill(route, head, &gradient)` writes ∂L/∂output of
    /// each head (the buffer has the output's shape and arrives zeroed); parameter gradients accumulate.
    /// `featureGradient(route, &gradient)`, when given, adds a loss's direct gradient on the route's torso
    /// features (`features(route:)`, a buffer of their shape holding the heads' share so far).
    public func backward(
        _ fill: (_ route: Int, _ head: Int, _ gradient: inout Tensor) -> Void,
        featureGradient: ((_ route: Int, _ gradient: inout Tensor) -> Void)? = nil
    ) {
        torsoOutputGradient.reshape(rows: rowOffsets[routes.count], columns: torso.outputSize)
        torsoOutputGradient.fill(0)
        for r in routes.indices {
            for (h, name) in routes[r].heads.enumerated() {
                heads[name]!.backward(workspace: &headWorkspaces[r][h]) { gradient in
                    gradient.fill(0)
                    fill(r, h, &gradient)
                }
                torsoOutputGradient.addRows(0..<(rowOffsets[r + 1] - rowOffsets[r]), of: headWorkspaces[r][h].inputGradient, to: rowOffsets[r])
            }
        }
        if let featureGradient {
            for r in routes.indices {
                let rows = rowOffsets[r]..<rowOffsets[r + 1]
                var slice = torsoOutputGradient.slice(rows: rows)
                featureGradient(r, &slice)
                torsoOutputGradient.copyRows(0..<rows.count, of: slice, to: rows.lowerBound)
            }
        }
        let accumulated = torsoOutputGradient
        torso.backward(workspace: &torsoWorkspace) { gradient in
            gradient.copyRows(0..<accumulated.rows, of: accumulated)
        }
        for r in routes.indices {
            let rows = rowOffsets[r]..<rowOffsets[r + 1]
            let torsoInputGradient = torsoWorkspace.inputGradient
            encoderPasses[r].backward(needInputGradient: false) { gradient in
                gradient.copyRows(rows, of: torsoInputGradient)
            }
        }
    }
}
