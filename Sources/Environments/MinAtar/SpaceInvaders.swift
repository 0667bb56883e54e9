import Randomness

/// MinAtar Space Invaders (1.0.15): shoot down a block of aliens that sweeps sideways and steps down.
///
/// The cannon moves along row 9 and fires upwards (one shot per 5 steps); the aliens move together one column
/// at a time, stepping down a row at each side, and the alien nearest the cannon's column fires every 10 steps.
/// Channels (6): 0 cannon, 1 alien, 2 alien moving left, 3 alien moving right, 4 friendly bullet, 5 enemy
/// bullet. Reward +1 per alien; a cleared wave comes back (faster, with ramping). The game ends when an enemy
/// bullet or an alien reaches the cannon, or the block steps down while on row 9. Minimal actions
/// `[0, 1, 3, 5]`. No random draws besides the sticky action.
public struct SpaceInvaders: MinAtarGame {
    public static let name = "SpaceInvaders"
    public static let referenceName = "space_invaders"
    public static let channelNames = ["cannon", "alien", "alien_left", "alien_right", "friendly_bullet", "enemy_bullet"]
    public static let minimalActions = [0, 1, 3, 5]
    public static let palette = [
        Color(0x1a, 0x24, 0x41), Color(0x1b, 0x61, 0x45), Color(0x69, 0x7b, 0x30), Color(0xc8, 0x7b, 0x7c),
        Color(0xcd, 0xa2, 0xe0), Color(0xc6, 0xe1, 0xf1),
    ]
    /// Cannon, 3 grids × 10 rows, alien direction, move interval, two alien timers, ramp index, shot timer, terminal flag.
    public static let stateCount = 1 + 30 + 1 + 1 + 2 + 1 + 1 + 1

    /// The first wave: rows 0–3, columns 2–7.
    public static let initialAliens: MinAtarGrid = {
        var grid = MinAtarGrid()
        for row in 0...3 { grid.rows[row] = 0b00_1111_1100 }
        return grid
    }()

    public var cannon = 5
    public var friendlyBullets = MinAtarGrid(), enemyBullets = MinAtarGrid()
    public var aliens = SpaceInvaders.initialAliens
    /// −1 while the block moves left, +1 while it moves right.
    public var alienDirection = -1
    public var moveInterval = 12
    public var alienMoveTimer = 12, alienShotTimer = 10
    public var rampLevel = 0
    public var shotTimer = 0
    public var isTerminal = false

    public init() {}

    public var rampIndex: Int? { rampLevel }

    public mutating func reset(random: inout LegacyRandomState) {
        self = SpaceInvaders()
    }

    public mutating func step(action: Int, ramping: Bool, random: inout LegacyRandomState) -> Int {
        var reward = 0
        if action == 5 && shotTimer == 0 {
            friendlyBullets[9, cannon] = true
            shotTimer = 5
        } else if action == 1 {
            cannon = max(0, cannon - 1)
        } else if action == 3 {
            cannon = min(9, cannon + 1)
        }
        friendlyBullets.shiftUp()
        enemyBullets.shiftDown()
        if enemyBullets[9, cannon] { isTerminal = true }
        if aliens[9, cannon] { isTerminal = true }
        if alienMoveTimer == 0 {
            alienMoveTimer = min(aliens.count, moveInterval)
            let columns = aliens.occupiedColumns
            if (columns & 1 != 0 && alienDirection < 0) || (columns & (1 << 9) != 0 && alienDirection > 0) {
                alienDirection = -alienDirection
                if aliens.rows[9] != 0 { isTerminal = true }
                aliens.rollDown()
            } else {
                aliens.rollColumns(by: alienDirection)
            }
            if aliens[9, cannon] { isTerminal = true }
        }
        if alienShotTimer == 0 {
            alienShotTimer = 10
            fireAtCannon()
        }
        let hits = aliens.intersection(friendlyBullets)
        reward += hits.count
        aliens.subtract(hits)
        friendlyBullets.subtract(hits)
        if shotTimer > 0 { shotTimer -= 1 }
        alienMoveTimer -= 1
        alienShotTimer -= 1
        if aliens.isEmpty {
            if moveInterval > 6 && ramping {
                moveInterval -= 1
                rampLevel += 1
            }
            aliens = Self.initialAliens
        }
        return reward
    }

    /// The lowest alien of the occupied column nearest the cannon (ties: the left one) fires from its own cell.
    private mutating func fireAtCannon() {
        let columns = aliens.occupiedColumns
        guard columns != 0 else { return }
        for distance in 0..<10 {
            for side in 0..<2 {
                let column = side == 0 ? cannon - distance : cannon + distance
                guard column >= 0 && column < 10 && columns & (1 << column) != 0 else { continue }
                for row in stride(from: 9, through: 0, by: -1) where aliens[row, column] {
                    enemyBullets[row, column] = true
                    return
                }
            }
        }
    }

    @inline(__always)
    public func observe(into grid: MinAtarObservation) {
        grid.set(9, cannon, 0)
        let directionChannel = alienDirection < 0 ? 2 : 3
        for row in 0..<10 {
            let alienRow = aliens.rows[row]
            grid.set(row, columns: alienRow, 1)
            grid.set(row, columns: alienRow, directionChannel)
            grid.set(row, columns: friendlyBullets.rows[row], 4)
            grid.set(row, columns: enemyBullets.rows[row], 5)
        }
    }

    /// Cannon column, the friendly-bullet, enemy-bullet and alien grids as 10-bit row masks, alien direction,
    /// move interval, alien move and shot timers, ramp index, shot timer, terminal flag.
    public func write(to values: inout [Double]) {
        values.append(Double(cannon))
        for grid in [friendlyBullets, enemyBullets, aliens] {
            for row in 0..<10 { values.append(Double(grid.rows[row])) }
        }
        for value in [alienDirection, moveInterval, alienMoveTimer, alienShotTimer, rampLevel, shotTimer] { values.append(Double(value)) }
        values.append(isTerminal ? 1 : 0)
    }

    public init(reading reader: inout MinAtarStateReader) throws(MinAtarStateError) {
        cannon = try reader.integer("cannon", in: 0...9)
        var grids = [MinAtarGrid(), MinAtarGrid(), MinAtarGrid()]
        for (index, name) in ["friendly bullet", "enemy bullet", "alien"].enumerated() {
            for row in 0..<10 { grids[index].rows[row] = UInt16(try reader.integer("\(name) row \(row)", in: 0...Int(MinAtarGrid.fullRow))) }
        }
        (friendlyBullets, enemyBullets, aliens) = (grids[0], grids[1], grids[2])
        alienDirection = try reader.integer("alien direction", in: -1...1)
        if alienDirection == 0 { throw MinAtarStateError("alien direction is 0, not −1 or +1") }
        moveInterval = try reader.integer("move interval", in: 1...12)
        alienMoveTimer = try reader.integer("alien move timer", in: 0...12)
        alienShotTimer = try reader.integer("alien shot timer", in: 0...10)
        rampLevel = try reader.integer("ramp index", in: 0...1_000_000)
        shotTimer = try reader.integer("shot timer", in: 0...5)
        isTerminal = try reader.flag("terminal flag")
    }
}
