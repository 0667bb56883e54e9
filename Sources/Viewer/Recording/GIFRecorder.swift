#if SDL
import CGIF
import Environments
import Foundation

/// Writes frames as an animated, looping GIF with giflib: each frame quantised to its own 256-colour
/// map (`GifQuantizeBuffer`). The file is written under a temporary name and renamed when closed.
public final class GIFRecorder {
    public let url: URL
    public let width: Int, height: Int
    public private(set) var frames = 0
    private let temporary: URL
    private var file: UnsafeMutablePointer<GifFileType>?
    private let delay: Int

    public init(url: URL, width: Int, height: Int, framesPerSecond: Double) throws(ChorusError) {
        self.url = url
        self.width = width
        self.height = height
        delay = max(2, Int((100 / framesPerSecond).rounded()))
        temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        var error: Int32 = 0
        file = EGifOpenFileName(temporary.path, false, &error)
        guard let file else { throw ChorusError(file: url.path, problem: "cannot create the GIF (giflib error \(error))") }
        EGifSetGifVersion(file, true)
        guard EGifPutScreenDesc(file, Int32(width), Int32(height), 8, 0, nil) == GIF_OK else {
            throw ChorusError(file: url.path, problem: "cannot write the GIF header")
        }
        // NETSCAPE2.0 application extension: loop forever.
        var loop: [UInt8] = [1, 0, 0]
        let name = Array("NETSCAPE2.0".utf8)
        EGifPutExtensionLeader(file, APPLICATION_EXT_FUNC_CODE)
        EGifPutExtensionBlock(file, Int32(name.count), name)
        EGifPutExtensionBlock(file, 3, &loop)
        EGifPutExtensionTrailer(file)
    }

    /// Appends one frame of RGBA pixels (`width × height × 4` bytes, rows top to bottom).
    public func add(rgba pixels: [UInt8]) throws(ChorusError) {
        guard let file else { throw ChorusError(file: url.path, problem: "the GIF is already closed") }
        precondition(pixels.count == width * height * 4, "frame size mismatch")
        let n = width * height
        var red = [UInt8](repeating: 0, count: n), green = red, blue = red
        for k in 0..<n { red[k] = pixels[4 * k]; green[k] = pixels[4 * k + 1]; blue[k] = pixels[4 * k + 2] }
        var colors = [GifColorType](repeating: GifColorType(), count: 256)
        var colorCount: Int32 = 256
        var indexed = [UInt8](repeating: 0, count: n)
        guard GifQuantizeBuffer(UInt32(width), UInt32(height), &colorCount, &red, &green, &blue, &indexed, &colors) == GIF_OK else {
            throw ChorusError(file: url.path, problem: "cannot quantise a frame")
        }
        let map = GifMakeMapObject(256, colors)
        defer { GifFreeMapObject(map) }
        var control: [UInt8] = [0, UInt8(delay & 0xFF), UInt8(delay >> 8), 0]
        EGifPutExtension(file, GRAPHICS_EXT_FUNC_CODE, 4, &control)
        guard EGifPutImageDesc(file, 0, 0, Int32(width), Int32(height), false, map) == GIF_OK else {
            throw ChorusError(file: url.path, problem: "cannot write a frame")
        }
        let ok = indexed.withUnsafeMutableBufferPointer { buffer -> Bool in
            for row in 0..<height where EGifPutLine(file, buffer.baseAddress! + row * width, Int32(width)) != GIF_OK { return false }
            return true
        }
        guard ok else { throw ChorusError(file: url.path, problem: "cannot write a frame's pixels") }
        frames += 1
    }

    /// Finishes the file and moves it into place.
    public func close() throws(ChorusError) {
        guard let f = file else { return }
        file = nil
        var error: Int32 = 0
        guard EGifCloseFile(f, &error) == GIF_OK else { throw ChorusError(file: url.path, problem: "cannot finish the GIF (giflib error \(error))") }
        chmod(temporary.path, 0o644)
        guard rename(temporary.path, url.path) == 0 else { throw ChorusError(file: url.path, problem: "cannot move the GIF into place") }
    }

    deinit {
        if let file {
            var error: Int32 = 0
            EGifCloseFile(file, &error)
            unlink(temporary.path)
        }
    }
}
#endif
