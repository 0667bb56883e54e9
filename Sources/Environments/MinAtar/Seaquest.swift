import Randomness

/// MinAtar Seaquest (1.0.15, with the oxygen fix of 1.0.11): a submarine shoots fish and enemy subs, rescues
/// divers and surfaces for air.
///
/// The sub moves in rows 0…8 (0 is the surface) and fires sideways (one shot per 5 steps). Enemies and divers
/// enter rows 1…8 from either edge; enemy subs fire every 10 steps. Channels (10): 0 sub front, 1 sub back,
/// 2 friendly bullet, 3 trail, 4 enemy bullet, 5 fish, 6 enemy sub, 7 oxygen gauge, 8 diver gauge, 9 diver.
/// Reward +1 per enemy shot, plus `oxygen·10/200` when surfacing with six divers. The game ends on touching
/// an enemy or an enemy bullet, running out of oxygen (200 steps under water), or surfacing with no diver.
/// With ramping, every surfacing makes spawning and enemies faster. Minimal actions: all six. Draws: an enemy
/// spawn takes `rand()`, `rand()`, `randint(1, 9)`; a diver spawn `rand()`, `randint(1, 9)`.
///
/// The five entity lists keep the reference's Python list semantics (append at the end, reverse passes by
/// index, removal of the first element equal by value), which matter when two entities coincide. They are
/// arrays reserved once, so steps do not allocate; `state` stores them with fixed capacities (`capacities`)
/// that reachable games stay below.
public struct Seaquest: MinAtarGame {
    public static let name = "Seaquest"
    public static let referenceName = "seaquest"
    public static let channelNames = [
        "sub_front", "sub_back", "friendly_bullet", "trail", "enemy_bullet", "enemy_fish", "enemy_sub", "oxygen_guage",
        "diver_guage", "diver",
    ]
    public static let minimalActions = [0, 1, 2, 3, 4, 5]
    public static let palette = [
        Color(0x19, 0x12, 0x2b), Color(0x17, 0x34, 0x4c), Color(0x18, 0x5b, 0x48), Color(0x3c, 0x76, 0x32),
        Color(0x7e, 0x7a, 0x36), Color(0xbc, 0x79, 0x67), Color(0xd4, 0x86, 0xaf), Color(0xca, 0xa9, 0xe7),
        Color(0xc2, 0xd2, 0xf3), Color(0xd6, 0xf0, 0xef),
    ]
    public static let maxOxygen = 200
    /// The most entities `state` stores per list: friendly bullets, enemy bullets, fish, enemy subs, divers.
    public static let capacities = (friendlyBullets: 8, enemyBullets: 64, fish: 48, subs: 48, divers: 8)
    /// Sub (5), each list's count and slots, 8 counters and flags.
    public static let stateCount =
        5 + (1 + 3 * capacities.friendlyBullets) + (1 + 3 * capacities.enemyBullets) + (1 + 4 * capacities.fish)
        + (1 + 5 * capacities.subs) + (1 + 4 * capacities.divers) + 8

    /// A bullet, fish, enemy sub or diver: position, heading, and the timers its kind uses (0 otherwise).
    public struct Entity: Equatable, Sendable {
        public var x: Int, y: Int
        public var movesRight: Bool
        public var moveTimer = 0, shotTimer = 0

        public init(x: Int, y: Int, movesRight: Bool, moveTimer: Int = 0, shotTimer: Int = 0) {
            self.x = x
            self.y = y
            self.movesRight = movesRight
            self.moveTimer = moveTimer
            self.shotTimer = shotTimer
        }

        /// One cell along its heading.
        @inlinable mutating func advance() { x += movesRight ? 1 : -1 }
        @inlinable var isOffScreen: Bool { x < 0 || x > 9 }
    }

    public var oxygen = Seaquest.maxOxygen
    public var diversHeld = 0
    /// The sub's front cell and heading.
    public var x = 5, y = 0
    public var facingRight = false
    public var friendlyBullets: [Entity] = [], enemyBullets: [Entity] = [], fish: [Entity] = [], subs: [Entity] = [], divers: [Entity] = []
    public var enemySpawnSpeed = 20, enemySpawnTimer = 20, diverSpawnTimer = 30
    public var moveSpeed = 5
    public var rampLevel = 0
    public var shotTimer = 0
    /// True while the sub is at the surface after surfacing (or at the start).
    public var surface = true
    public var isTerminal = false

    public init() {
        friendlyBullets.reserveCapacity(Self.capacities.friendlyBullets)
        enemyBullets.reserveCapacity(Self.capacities.enemyBullets)
        fish.reserveCapacity(Self.capacities.fish)
        subs.reserveCapacity(Self.capacities.subs)
        divers.reserveCapacity(Self.capacities.divers)
    }

    public var rampIndex: Int? { rampLevel }

    public mutating func reset(random: inout LegacyRandomState) {
        oxygen = Self.maxOxygen
        diversHeld = 0
        (x, y, facingRight) = (5, 0, false)
        friendlyBullets.removeAll(keepingCapacity: true)
        enemyBullets.removeAll(keepingCapacity: true)
        fish.removeAll(keepingCapacity: true)
        subs.removeAll(keepingCapacity: true)
        divers.removeAll(keepingCapacity: true)
        (enemySpawnSpeed, enemySpawnTimer, diverSpawnTimer) = (20, 20, 30)
        (moveSpeed, rampLevel, shotTimer) = (5, 0, 0)
        surface = true
        isTerminal = false
    }

    @inlinable func isOnSub(_ entity: Entity) -> Bool { entity.x == x && entity.y == y }

    public mutating func step(action: Int, ramping: Bool, random: inout LegacyRandomState) -> Int {
        var reward = 0
        if enemySpawnTimer == 0 {
            spawnEnemy(random: &random)
            enemySpawnTimer = enemySpawnSpeed
        }
        if diverSpawnTimer == 0 {
            let movesRight = random.rand() < 0.5
            let row = random.randint(1, 9)
            divers.append(Entity(x: movesRight ? 0 : 9, y: row, movesRight: movesRight, moveTimer: 5))
            diverSpawnTimer = 30
        }
        if action == 5 && shotTimer == 0 {
            friendlyBullets.append(Entity(x: x, y: y, movesRight: facingRight))
            shotTimer = 5
        } else if action == 1 {
            x = max(0, x - 1)
            facingRight = false
        } else if action == 3 {
            x = min(9, x + 1)
            facingRight = true
        } else if action == 2 {
            y = max(0, y - 1)
        } else if action == 4 {
            y = min(8, y + 1)
        }
        reward += moveFriendlyBullets()
        moveDivers()
        var enemies: [Entity] = []
        swap(&enemies, &subs)  // moved out and back, so the pass can also change the other lists
        reward += moveEnemies(&enemies, shooting: true)
        swap(&enemies, &subs)
        moveEnemyBullets()
        swap(&enemies, &fish)
        reward += moveEnemies(&enemies, shooting: false)
        swap(&enemies, &fish)
        if enemySpawnTimer > 0 { enemySpawnTimer -= 1 }
        if diverSpawnTimer > 0 { diverSpawnTimer -= 1 }
        if shotTimer > 0 { shotTimer -= 1 }
        if oxygen <= 0 { isTerminal = true }
        if y > 0 {
            oxygen -= 1
            surface = false
        } else if !surface {
            if diversHeld == 0 {
                isTerminal = true
            } else {
                reward += surfaceWithDivers(ramping: ramping)
            }
        }
        return reward
    }

    /// An enemy sub (1/3) or fish on a random row, unless that row has an enemy heading the other way.
    private mutating func spawnEnemy(random: inout LegacyRandomState) {
        let movesRight = random.rand() < 0.5
        let isSub = random.rand() < 1.0 / 3.0
        let row = random.randint(1, 9)
        for enemy in subs where enemy.y == row && enemy.movesRight != movesRight { return }
        for enemy in fish where enemy.y == row && enemy.movesRight != movesRight { return }
        let enemy = Entity(x: movesRight ? 0 : 9, y: row, movesRight: movesRight, moveTimer: moveSpeed, shotTimer: isSub ? 10 : 0)
        if isSub {
            subs.append(enemy)
        } else {
            fish.append(enemy)
        }
    }

    /// Refills the oxygen; six divers give a bonus and ramp the difficulty. Returns the bonus.
    private mutating func surfaceWithDivers(ramping: Bool) -> Int {
        surface = true
        var bonus = 0
        if diversHeld == 6 {
            diversHeld = 0
            bonus = oxygen * 10 / Self.maxOxygen
        }
        oxygen = Self.maxOxygen
        diversHeld -= 1
        if ramping && (enemySpawnSpeed > 1 || moveSpeed > 2) {
            if moveSpeed > 2 && rampLevel % 2 == 1 { moveSpeed -= 1 }
            if enemySpawnSpeed > 1 { enemySpawnSpeed -= 1 }
            rampLevel += 1
        }
        return bonus
    }

    /// Python's `list.remove(entity)` for the entity a reverse pass is visiting, stored at `location` while listed:
    /// writes its current value back, removes the first equal element, and follows the visited one.
    private static func remove(_ entity: Entity, at location: inout Int?, from list: inout [Entity]) {
        if let listed = location { list[listed] = entity }
        let removed = list.firstIndex(of: entity)!
        list.remove(at: removed)
        if let listed = location { location = removed == listed ? nil : (removed < listed ? listed - 1 : listed) }
    }

    /// Friendly bullets move; one leaving the screen vanishes, one meeting a fish (else an enemy sub) destroys it.
    private mutating func moveFriendlyBullets() -> Int {
        var reward = 0
        var index = friendlyBullets.count - 1
        while index >= 0 && index < friendlyBullets.count {
            var bullet = friendlyBullets[index]
            var location: Int? = index
            bullet.advance()
            if bullet.isOffScreen {
                Self.remove(bullet, at: &location, from: &friendlyBullets)
            } else if let target = fish.firstIndex(where: { $0.x == bullet.x && $0.y == bullet.y }) {
                fish.remove(at: target)
                Self.remove(bullet, at: &location, from: &friendlyBullets)
                reward += 1
            } else if let target = subs.firstIndex(where: { $0.x == bullet.x && $0.y == bullet.y }) {
                subs.remove(at: target)
                Self.remove(bullet, at: &location, from: &friendlyBullets)
                reward += 1
            }
            if let listed = location { friendlyBullets[listed] = bullet }
            index -= 1
        }
        return reward
    }

    /// Divers drift every 6th step; the sub picks up those it meets while it holds fewer than six.
    private mutating func moveDivers() {
        var index = divers.count - 1
        while index >= 0 && index < divers.count {
            var diver = divers[index]
            var location: Int? = index
            if isOnSub(diver) && diversHeld < 6 {
                Self.remove(diver, at: &location, from: &divers)
                diversHeld += 1
            } else if diver.moveTimer == 0 {
                diver.moveTimer = 5
                diver.advance()
                if diver.isOffScreen {
                    Self.remove(diver, at: &location, from: &divers)
                } else if isOnSub(diver) && diversHeld < 6 {
                    Self.remove(diver, at: &location, from: &divers)
                    diversHeld += 1
                }
            } else {
                diver.moveTimer -= 1
            }
            if let listed = location { divers[listed] = diver }
            index -= 1
        }
    }

    /// Enemy subs or fish move every `moveSpeed + 1` steps; touching the sub ends the game, meeting a friendly
    /// bullet destroys both. Subs also count down to their next shot, even the ones just removed.
    private mutating func moveEnemies(_ enemies: inout [Entity], shooting: Bool) -> Int {
        var reward = 0
        var index = enemies.count - 1
        while index >= 0 && index < enemies.count {
            var enemy = enemies[index]
            var location: Int? = index
            if isOnSub(enemy) { isTerminal = true }
            if enemy.moveTimer == 0 {
                enemy.moveTimer = moveSpeed
                enemy.advance()
                if enemy.isOffScreen {
                    Self.remove(enemy, at: &location, from: &enemies)
                } else if isOnSub(enemy) {
                    isTerminal = true
                } else if let bullet = friendlyBullets.firstIndex(where: { $0.x == enemy.x && $0.y == enemy.y }) {
                    Self.remove(enemy, at: &location, from: &enemies)
                    friendlyBullets.remove(at: bullet)
                    reward += 1
                }
            } else {
                enemy.moveTimer -= 1
            }
            if shooting {
                if enemy.shotTimer == 0 {
                    enemy.shotTimer = 10
                    enemyBullets.append(Entity(x: enemy.x, y: enemy.y, movesRight: enemy.movesRight))
                } else {
                    enemy.shotTimer -= 1
                }
            }
            if let listed = location { enemies[listed] = enemy }
            index -= 1
        }
        return reward
    }

    /// Enemy bullets move one cell a step; touching the sub ends the game.
    private mutating func moveEnemyBullets() {
        var index = enemyBullets.count - 1
        while index >= 0 && index < enemyBullets.count {
            var bullet = enemyBullets[index]
            var location: Int? = index
            if isOnSub(bullet) { isTerminal = true }
            bullet.advance()
            if bullet.isOffScreen {
                Self.remove(bullet, at: &location, from: &enemyBullets)
            } else if isOnSub(bullet) {
                isTerminal = true
            }
            if let listed = location { enemyBullets[listed] = bullet }
            index -= 1
        }
    }

    @inline(__always)
    public func observe(into grid: MinAtarObservation) {
        grid.set(y, x, 0)
        grid.setIfOnGrid(y, facingRight ? x - 1 : x + 1, 1)
        let oxygenCells = max(0, oxygen) * 10 / Self.maxOxygen
        for column in 0..<min(10, oxygenCells) { grid.set(9, column, 7) }
        if diversHeld > 0 {
            for column in max(0, 9 - diversHeld)...8 { grid.set(9, column, 8) }
        }
        for bullet in friendlyBullets { grid.setIfOnGrid(bullet.y, bullet.x, 2) }
        for bullet in enemyBullets { grid.setIfOnGrid(bullet.y, bullet.x, 4) }
        Self.observe(fish, channel: 5, into: grid)
        Self.observe(subs, channel: 6, into: grid)
        Self.observe(divers, channel: 9, into: grid)
    }

    /// Sets each entity's cell on `channel` and its trail (the cell behind it) on channel 3.
    private static func observe(_ list: [Entity], channel: Int, into grid: MinAtarObservation) {
        for entity in list {
            grid.setIfOnGrid(entity.y, entity.x, channel)
            grid.setIfOnGrid(entity.y, entity.movesRight ? entity.x - 1 : entity.x + 1, 3)
        }
    }

    /// Oxygen, divers held, sub `(x, y, facing right)`; then per list (friendly bullets `(x, y, right)`, enemy
    /// bullets `(x, y, right)`, fish `(x, y, right, move timer)`, enemy subs `(x, y, right, move timer, shot
    /// timer)`, divers `(x, y, right, move timer)`) its count and its fixed number of slots (unused ones 0);
    /// enemy spawn speed and timer, diver spawn timer, move speed, ramp index, shot timer, surface and terminal flags.
    public func write(to values: inout [Double]) {
        for value in [oxygen, diversHeld, x, y, facingRight ? 1 : 0] { values.append(Double(value)) }
        let capacities = Self.capacities
        Self.write(friendlyBullets, capacity: capacities.friendlyBullets, fields: 3, to: &values)
        Self.write(enemyBullets, capacity: capacities.enemyBullets, fields: 3, to: &values)
        Self.write(fish, capacity: capacities.fish, fields: 4, to: &values)
        Self.write(subs, capacity: capacities.subs, fields: 5, to: &values)
        Self.write(divers, capacity: capacities.divers, fields: 4, to: &values)
        for value in [enemySpawnSpeed, enemySpawnTimer, diverSpawnTimer, moveSpeed, rampLevel, shotTimer] { values.append(Double(value)) }
        values.append(surface ? 1 : 0)
        values.append(isTerminal ? 1 : 0)
    }

    private static func write(_ list: [Entity], capacity: Int, fields: Int, to values: inout [Double]) {
        let stored = min(list.count, capacity)
        values.append(Double(stored))
        for slot in 0..<capacity {
            guard slot < stored else {
                for _ in 0..<fields { values.append(0) }
                continue
            }
            let entity = list[slot]
            let all = [entity.x, entity.y, entity.movesRight ? 1 : 0, entity.moveTimer, entity.shotTimer]
            for field in 0..<fields { values.append(Double(all[field])) }
        }
    }

    public init(reading reader: inout MinAtarStateReader) throws(MinAtarStateError) {
        self.init()
        oxygen = try reader.integer("oxygen", in: -1...Self.maxOxygen)
        diversHeld = try reader.integer("divers held", in: -1_000_000_000...6)
        x = try reader.integer("sub x", in: 0...9)
        y = try reader.integer("sub y", in: 0...8)
        facingRight = try reader.flag("sub heading")
        let capacities = Self.capacities
        friendlyBullets = try Self.read("friendly bullet", capacity: capacities.friendlyBullets, fields: 3, from: &reader)
        enemyBullets = try Self.read("enemy bullet", capacity: capacities.enemyBullets, fields: 3, from: &reader)
        fish = try Self.read("fish", capacity: capacities.fish, fields: 4, from: &reader)
        subs = try Self.read("enemy sub", capacity: capacities.subs, fields: 5, from: &reader)
        divers = try Self.read("diver", capacity: capacities.divers, fields: 4, from: &reader)
        enemySpawnSpeed = try reader.integer("enemy spawn speed", in: 1...20)
        enemySpawnTimer = try reader.integer("enemy spawn timer", in: 0...20)
        diverSpawnTimer = try reader.integer("diver spawn timer", in: 0...30)
        moveSpeed = try reader.integer("move speed", in: 1...5)
        rampLevel = try reader.integer("ramp index", in: 0...1_000_000_000)
        shotTimer = try reader.integer("shot timer", in: 0...5)
        surface = try reader.flag("surface flag")
        isTerminal = try reader.flag("terminal flag")
    }

    private static func read(_ kind: String, capacity: Int, fields: Int, from reader: inout MinAtarStateReader) throws(MinAtarStateError)
        -> [Entity]
    {
        let count = try reader.integer("\(kind) count", in: 0...capacity)
        var list: [Entity] = []
        list.reserveCapacity(capacity)
        for slot in 0..<capacity {
            var values = [0, 0, 0, 0, 0]
            let ranges = [0...9, 0...9, 0...1, 0...30, 0...10]
            for field in 0..<fields { values[field] = try reader.integer("\(kind) \(slot) field \(field)", in: ranges[field]) }
            if slot < count {
                list.append(Entity(x: values[0], y: values[1], movesRight: values[2] == 1, moveTimer: values[3], shotTimer: values[4]))
            }
        }
        return list
    }
}
