import Randomness

/// MinAtar Breakout (1.0.15): bounce a ball off a paddle into three rows of bricks.
///
/// The ball moves diagonally one cell per step; the paddle slides along row 9. Channels (4): 0 paddle,
/// 1 ball, 2 trail, 3 brick. Reward +1 per brick; clearing all bricks brings back a fresh wall when the ball
/// next reaches the bottom row. The game ends when the ball reaches row 9 away from the paddle. No ramping.
/// Minimal actions `[0, 1, 3]`. The reset draws `randint(2)` (the side the ball starts from); steps draw nothing.
public struct Breakout: MinAtarGame {
    public static let name = "Breakout"
    public static let referenceName = "breakout"
    public static let channelNames = ["paddle", "ball", "trail", "brick"]
    public static let minimalActions = [0, 1, 3]
    public static let palette = [Color(0x16, 0x3d, 0x4e), Color(0x54, 0x79, 0x2f), Color(0xd0, 0x7e, 0x93), Color(0xc1, 0xca, 0xf3)]
    /// Ball, direction, paddle, 10 brick rows, strike flag, last ball position, terminal flag.
    public static let stateCount = 2 + 1 + 1 + 10 + 1 + 2 + 1

    /// The initial wall: rows 1–3 full.
    public static let initialBricks = MinAtarGrid(fullRows: 1...3)
    /// Direction after bouncing off a side wall, off the top (or a brick or the paddle's face), off the paddle's corner.
    static let flipX = SIMD4<Int8>(1, 0, 3, 2), flipY = SIMD4<Int8>(3, 2, 1, 0), flipXY = SIMD4<Int8>(2, 3, 0, 1)

    public var ballX = 0, ballY = 3
    /// 0 up-left, 1 up-right, 2 down-right, 3 down-left.
    public var direction = 2
    public var paddle = 4
    public var bricks = Breakout.initialBricks
    /// True right after a brick was hit: the ball then passes through the next brick it meets.
    public var strike = false
    public var lastX = 0, lastY = 3
    public var isTerminal = false

    public init() {}

    public mutating func reset(random: inout LegacyRandomState) {
        self = Breakout()
        if random.randint(2) == 0 {
            ballX = 0
            direction = 2
        } else {
            ballX = 9
            direction = 3
        }
        lastX = ballX
        lastY = ballY
    }

    public mutating func step(action: Int, ramping: Bool, random: inout LegacyRandomState) -> Int {
        var reward = 0
        if action == 1 {
            paddle = max(0, paddle - 1)
        } else if action == 3 {
            paddle = min(9, paddle + 1)
        }
        lastX = ballX
        lastY = ballY
        var newX = ballX + (direction == 1 || direction == 2 ? 1 : -1)
        var newY = ballY + (direction >= 2 ? 1 : -1)
        var hit = false
        if newX < 0 || newX > 9 {
            newX = min(9, max(0, newX))
            direction = Int(Self.flipX[direction])
        }
        if newY < 0 {
            newY = 0
            direction = Int(Self.flipY[direction])
        } else if newY <= 9 && bricks[newY, newX] {
            hit = true
            if !strike {
                reward += 1
                strike = true
                bricks[newY, newX] = false
                newY = lastY
                direction = Int(Self.flipY[direction])
            }
        } else if newY == 9 {
            if bricks.isEmpty { bricks = Self.initialBricks }
            if ballX == paddle {
                direction = Int(Self.flipY[direction])
                newY = lastY
            } else if newX == paddle {
                direction = Int(Self.flipXY[direction])
                newY = lastY
            } else {
                isTerminal = true
            }
        }
        if !hit { strike = false }
        ballX = newX
        ballY = newY
        return reward
    }

    @inline(__always)
    public func observe(into grid: MinAtarObservation) {
        grid.set(ballY, ballX, 1)
        grid.set(9, paddle, 0)
        grid.set(lastY, lastX, 2)
        for row in 0..<10 where bricks.rows[row] != 0 {
            for column in 0..<10 where bricks[row, column] { grid.set(row, column, 3) }
        }
    }

    /// `(ballX, ballY)`, direction, paddle column, the brick rows as 10-bit masks, strike flag,
    /// `(lastX, lastY)`, terminal flag.
    public func write(to values: inout [Double]) {
        values.append(Double(ballX))
        values.append(Double(ballY))
        values.append(Double(direction))
        values.append(Double(paddle))
        for row in 0..<10 { values.append(Double(bricks.rows[row])) }
        values.append(strike ? 1 : 0)
        values.append(Double(lastX))
        values.append(Double(lastY))
        values.append(isTerminal ? 1 : 0)
    }

    public init(reading reader: inout MinAtarStateReader) throws(MinAtarStateError) {
        ballX = try reader.integer("ball x", in: 0...9)
        ballY = try reader.integer("ball y", in: 0...9)
        direction = try reader.integer("ball direction", in: 0...3)
        paddle = try reader.integer("paddle", in: 0...9)
        for row in 0..<10 { bricks.rows[row] = UInt16(try reader.integer("brick row \(row)", in: 0...Int(MinAtarGrid.fullRow))) }
        strike = try reader.flag("strike flag")
        lastX = try reader.integer("last ball x", in: 0...9)
        lastY = try reader.integer("last ball y", in: 0...9)
        isTerminal = try reader.flag("terminal flag")
        if ballY == 9 && !isTerminal { throw MinAtarStateError("the ball is on the paddle's row but the game has not ended") }
    }
}
