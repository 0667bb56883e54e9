import CBLAS

/// Matrix products through OpenBLAS (`cblas_sgemm`), single-threaded.
public enum BLAS {
    /// `C = alpha · op(A) · op(B) + beta · C` on row-major matrices, where op is an optional transpose.
    ///
    /// `A` is `m × k` after op, `B` is `k × n` after op, `C` is `m × n`; the pointers address the
    /// untransposed storage with leading dimensions `lda`, `ldb`, `ldc`.
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
