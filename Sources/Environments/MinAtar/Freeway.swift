import Randomness

/// MinAtar Freeway (1.0.15): lead a chicken across eight lanes of traffic, as often as possible in 2,500 steps.
///
/// The chicken walks up column 4 (at most one row every 3 steps); one car per lane drives left or right with
/// its own period of 1–5 steps, wrapping round. A car hitting the chicken sends it back to row 9. Channels
/// (7): 0 chicken, 1 car, 2–6 the trail of a car with period 1–5. Reward +1 per crossing (reaching row 0),
/// after which the chicken restarts at the bottom and the cars' speeds and directions are redrawn. Every
/// episode ends (terminated) after exactly 2,501 steps. No ramping. Minimal actions `[0, 2, 4]`. Draws:
/// `randint(1, 6, size=8)` then `rand(8)` at the reset and at each crossing.
public struct Freeway: MinAtarGame {
    public static let name = "Freeway"
    public static let referenceName = "freeway"
    public static let channelNames = ["chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5"]
    public static let minimalActions = [0, 2, 4]
    public static let palette = [
        Color(0x1b, 0x1e, 0x3b), Color(0x16, 0x53, 0x4c), Color(0x44, 0x77, 0x31), Color(0xa1, 0x79, 0x4a),
        Color(0xd4, 0x84, 0xa9), Color(0xc6, 0xb4, 0xee), Color(0xcb, 0xe8, 0xf0),
    ]
    /// Chicken row, 8 cars × (x, timer, signed period), move timer, time left, terminal flag.
    public static let stateCount = 1 + 8 * 3 + 1 + 1 + 1

    /// The chicken's row (its column is always 4).
    public var chicken = 9
    /// Car `i` drives on row `i + 1`: its column, its countdown to the next move, and its signed period
    /// (±1…5 steps per move; positive drives right).
    public var carX: SIMD8<Int32> = .zero, carTimer: SIMD8<Int32> = .zero, carSpeed: SIMD8<Int32> = .zero
    public var moveTimer = 3
    public var timeLeft = 2500
    public var isTerminal = false

    public init() {}

    public mutating func reset(random: inout LegacyRandomState) {
        self = Freeway()
        randomizeCars(initial: true, random: &random)
    }

    /// New speeds and directions (`randint(1, 6, size=8)`, then `rand(8)`); initially every car also starts at column 0.
    private mutating func randomizeCars(initial: Bool, random: inout LegacyRandomState) {
        var periods: SIMD8<Int32> = .zero
        for car in 0..<8 { periods[car] = Int32(random.randint(1, 6)) }
        for car in 0..<8 {
            let coin = random.rand()  // MinAtar takes sign(coin − 0.5): exactly 0.5 would stop the car
            carSpeed[car] = coin > 0.5 ? periods[car] : (coin < 0.5 ? -periods[car] : 0)
            carTimer[car] = abs(carSpeed[car])
            if initial { carX[car] = 0 }
        }
    }

    public mutating func step(action: Int, ramping: Bool, random: inout LegacyRandomState) -> Int {
        var reward = 0
        if action == 2 && moveTimer == 0 {
            moveTimer = 3
            chicken = max(0, chicken - 1)
        } else if action == 4 && moveTimer == 0 {
            moveTimer = 3
            chicken = min(9, chicken + 1)
        }
        if chicken == 0 {
            reward += 1
            randomizeCars(initial: false, random: &random)
            chicken = 9
        }
        // All eight cars at once, with lane masks from sign bits (-1 where true) so that everything stays in vector
        // registers: a due car (timer 0) moves one column in its direction, wrapping round, and restarts its timer;
        // the others count down. Only the car on the chicken's row can hit it, before or after that car's move
        // (rows 1…8; a chicken sent back to row 9 is safe from every car).
        typealias Lanes = SIMD8<Int32>
        let zero = Lanes.zero, one = Lanes(repeating: 1), nine = Lanes(repeating: 9), signBit = Lanes(repeating: 31)
        let before = carX
        let waiting = (zero &- carTimer) &>> signBit  // timers are ≥ 0: -1 where the timer is positive
        let direction = (carSpeed &>> signBit) | ((zero &- carSpeed) &>> signBit & one)  // signum
        let stepped = carX &+ direction
        let belowZero = stepped &>> signBit, aboveNine = (nine &- stepped) &>> signBit
        let moved = (stepped & ~belowZero & ~aboveNine) | (nine & belowZero)
        carX = (moved & ~waiting) | (carX & waiting)
        carTimer = ((carSpeed &* direction) & ~waiting) | ((carTimer &- one) & waiting)
        if chicken >= 1 && chicken <= 8 && (before[chicken - 1] == 4 || carX[chicken - 1] == 4) { chicken = 9 }
        if moveTimer > 0 { moveTimer -= 1 }
        timeLeft -= 1
        if timeLeft < 0 { isTerminal = true }
        return reward
    }

    @inline(__always)
    public func observe(into grid: MinAtarObservation) {
        grid.set(chicken, 4, 0)
        for car in 0..<8 {
            let row = car + 1, x = Int(carX[car]), speed = Int(carSpeed[car])
            grid.set(row, x, 1)
            var trail = speed > 0 ? x - 1 : x + 1
            if trail < 0 { trail = 9 } else if trail > 9 { trail = 0 }
            grid.set(row, trail, 1 + abs(speed))
        }
    }

    /// Chicken row, per car `(x, timer, signed period)`, move timer, time left, terminal flag.
    public func write(to values: inout [Double]) {
        values.append(Double(chicken))
        for car in 0..<8 {
            values.append(Double(carX[car]))
            values.append(Double(carTimer[car]))
            values.append(Double(carSpeed[car]))
        }
        values.append(Double(moveTimer))
        values.append(Double(timeLeft))
        values.append(isTerminal ? 1 : 0)
    }

    public init(reading reader: inout MinAtarStateReader) throws(MinAtarStateError) {
        chicken = try reader.integer("chicken row", in: 0...9)
        for car in 0..<8 {
            carX[car] = Int32(try reader.integer("car \(car) x", in: 0...9))
            carTimer[car] = Int32(try reader.integer("car \(car) timer", in: 0...5))
            carSpeed[car] = Int32(try reader.integer("car \(car) speed", in: -5...5))
        }
        moveTimer = try reader.integer("move timer", in: 0...3)
        timeLeft = try reader.integer("time left", in: -1...2500)
        isTerminal = try reader.flag("terminal flag")
    }
}
