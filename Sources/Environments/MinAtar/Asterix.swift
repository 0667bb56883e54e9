import Randomness

/// MinAtar Asterix (1.0.15): collect gold, dodge enemies that cross the rows of the screen.
///
/// The player moves on rows 1…8; each of those rows holds at most one enemy or gold piece, spawned at an edge
/// and moving sideways. Channels (4): 0 player, 1 enemy, 2 trail, 3 gold. Reward +1 per gold piece; the
/// game ends when an enemy touches the player. With ramping, spawning and movement speed up every ~100
/// steps. Minimal actions `[0, 1, 2, 3, 4]`; fire is a no-op. Draws per spawn: `rand()`, `rand()`, then
/// `randint(#free rows)` when a row is free.
public struct Asterix: MinAtarGame {
    public static let name = "Asterix"
    public static let referenceName = "asterix"
    public static let channelNames = ["player", "enemy", "trail", "gold"]
    public static let minimalActions = [0, 1, 2, 3, 4]
    public static let palette = [Color(0x16, 0x3d, 0x4e), Color(0x54, 0x79, 0x2f), Color(0xd0, 0x7e, 0x93), Color(0xc1, 0xca, 0xf3)]
    /// Player, 8 slots × (x, moving right, gold), five timers and speeds, ramp index, terminal flag.
    public static let stateCount = 2 + 8 * 3 + 6 + 1

    public var playerX = 5, playerY = 5
    /// Column of the entity in row slot `i` (row `i + 1`), −1 when the slot is empty.
    public var slotX = SIMD8<Int8>(repeating: -1)
    /// Bit `i`: the entity in slot `i` moves right.
    public var slotMovesRight: UInt8 = 0
    /// Bit `i`: the entity in slot `i` is gold (else an enemy).
    public var slotIsGold: UInt8 = 0
    public var spawnSpeed = 10, spawnTimer = 10, moveSpeed = 5, moveTimer = 5, rampTimer = 100
    public var rampLevel = 0
    public var isTerminal = false

    public init() {}

    public var rampIndex: Int? { rampLevel }

    public mutating func reset(random: inout LegacyRandomState) {
        self = Asterix()
    }

    public mutating func step(action: Int, ramping: Bool, random: inout LegacyRandomState) -> Int {
        var reward = 0
        if spawnTimer == 0 {
            spawn(random: &random)
            spawnTimer = spawnSpeed
        }
        switch action {
        case 1: playerX = max(0, playerX - 1)
        case 2: playerY = max(1, playerY - 1)
        case 3: playerX = min(9, playerX + 1)
        case 4: playerY = min(8, playerY + 1)
        default: break
        }
        for slot in 0..<8 { reward += touch(slot) }
        if moveTimer == 0 {
            moveTimer = moveSpeed
            for slot in 0..<8 where slotX[slot] >= 0 {
                let x = Int(slotX[slot]) + (slotMovesRight & (1 << slot) != 0 ? 1 : -1)
                if x < 0 || x > 9 {
                    slotX[slot] = -1
                } else {
                    slotX[slot] = Int8(x)
                    reward += touch(slot)
                }
            }
        }
        spawnTimer -= 1
        moveTimer -= 1
        if ramping && (spawnSpeed > 1 || moveSpeed > 1) {
            if rampTimer >= 0 {
                rampTimer -= 1
            } else {
                if moveSpeed > 1 && rampLevel % 2 == 1 { moveSpeed -= 1 }
                if spawnSpeed > 1 { spawnSpeed -= 1 }
                rampLevel += 1
                rampTimer = 100
            }
        }
        return reward
    }

    /// An enemy or gold piece on a random free row, at the edge it enters from.
    private mutating func spawn(random: inout LegacyRandomState) {
        let movesRight = random.rand() < 0.5
        let isGold = random.rand() < 1.0 / 3.0
        var free: SIMD8<Int8> = .zero
        var freeCount = 0
        for slot in 0..<8 where slotX[slot] < 0 {
            free[freeCount] = Int8(slot)
            freeCount += 1
        }
        guard freeCount > 0 else { return }
        let slot = Int(free[random.randint(freeCount)])
        let bit = UInt8(1) << slot
        slotX[slot] = movesRight ? 0 : 9
        slotMovesRight = movesRight ? slotMovesRight | bit : slotMovesRight & ~bit
        slotIsGold = isGold ? slotIsGold | bit : slotIsGold & ~bit
    }

    /// Gold on the player's cell is collected (returns 1); an enemy there ends the game.
    private mutating func touch(_ slot: Int) -> Int {
        guard slotX[slot] >= 0, Int(slotX[slot]) == playerX, slot + 1 == playerY else { return 0 }
        if slotIsGold & (1 << slot) != 0 {
            slotX[slot] = -1
            return 1
        }
        isTerminal = true
        return 0
    }

    @inline(__always)
    public func observe(into grid: MinAtarObservation) {
        grid.set(playerY, playerX, 0)
        for slot in 0..<8 where slotX[slot] >= 0 {
            let x = Int(slotX[slot]), row = slot + 1
            let movesRight = slotMovesRight & (1 << slot) != 0
            grid.set(row, x, slotIsGold & (1 << slot) != 0 ? 3 : 1)
            grid.setIfOnGrid(row, movesRight ? x - 1 : x + 1, 2)
        }
    }

    /// `(playerX, playerY)`, per slot `(x or −1, moves right, gold)`, spawn speed and timer, move speed and
    /// timer, ramp timer, ramp index, terminal flag.
    public func write(to values: inout [Double]) {
        values.append(Double(playerX))
        values.append(Double(playerY))
        for slot in 0..<8 {
            values.append(Double(slotX[slot]))
            values.append(slotMovesRight & (1 << slot) != 0 ? 1 : 0)
            values.append(slotIsGold & (1 << slot) != 0 ? 1 : 0)
        }
        for value in [spawnSpeed, spawnTimer, moveSpeed, moveTimer, rampTimer, rampLevel] { values.append(Double(value)) }
        values.append(isTerminal ? 1 : 0)
    }

    public init(reading reader: inout MinAtarStateReader) throws(MinAtarStateError) {
        playerX = try reader.integer("player x", in: 0...9)
        playerY = try reader.integer("player y", in: 0...9)
        for slot in 0..<8 {
            slotX[slot] = Int8(try reader.integer("slot \(slot) x", in: -1...9))
            if try reader.flag("slot \(slot) direction") { slotMovesRight |= 1 << slot }
            if try reader.flag("slot \(slot) gold") { slotIsGold |= 1 << slot }
        }
        spawnSpeed = try reader.integer("spawn speed", in: 1...1000)
        spawnTimer = try reader.integer("spawn timer", in: 0...1000)
        moveSpeed = try reader.integer("move speed", in: 1...1000)
        moveTimer = try reader.integer("move timer", in: 0...1000)
        rampTimer = try reader.integer("ramp timer", in: -1...1000)
        rampLevel = try reader.integer("ramp index", in: 0...1_000_000)
        isTerminal = try reader.flag("terminal flag")
    }
}
