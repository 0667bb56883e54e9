/// One route's use of an encoder: the encoder with the workspace of the route's last pass.
///
/// It hides the workspace's type, so that `MultiHeadNetwork` can hold encoders of different kinds; the
/// workspace lives in the closures' shared capture, made once, so steady-state passes do not allocate.
final class EncoderPass {
    let encoder: any Encoder
    private let runForward: (Tensor) -> Tensor
    private let runBackward: (Bool, (inout Tensor) -> Void) -> Void

    init<E: Encoder>(_ encoder: E) {
        var workspace = encoder.makeWorkspace()
        self.encoder = encoder
        runForward = { encoder.forward($0, workspace: &workspace) }
        runBackward = { need, body in encoder.backward(workspace: &workspace, needInputGradient: need, fillOutputGradient: body) }
    }

    /// Encodes `input`; the returned output shares the workspace's storage (do not keep it past the next pass).
    func forward(_ input: Tensor) -> Tensor { runForward(input) }

    /// Backpropagates the last pass; `body` writes ∂L/∂output.
    func backward(needInputGradient: Bool, fillOutputGradient body: (inout Tensor) -> Void) { runBackward(needInputGradient, body) }
}
